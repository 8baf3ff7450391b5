import { useEffect, useRef } from 'react';
import type React from 'react';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { LoginGate } from './components/LoginGate.tsx';
import { FirstRunGuide } from './guide/FirstRunGuide.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { Toasts } from './components/Toasts.tsx';
import { ArchivePage } from './pages/ArchivePage.tsx';
import { PeersPage } from './pages/PeersPage.tsx';
import { RoutingPage } from './pages/RoutingPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SharePage } from './pages/SharePage.tsx';
import { SyncPage } from './pages/SyncPage.tsx';
import { TransfersPage } from './pages/TransfersPage.tsx';
import { useT } from './i18n/index.ts';
import { useRoute, type PageId } from './route.ts';
import { useApp } from './store/app.ts';
import { useAppCommands } from './shortcuts.ts';

const VIEWS: Record<PageId, () => React.JSX.Element> = {
  archive: ArchivePage,
  transfers: TransfersPage,
  routing: RoutingPage,
  share: SharePage,
  sync: SyncPage,
  peers: PeersPage,
  settings: SettingsPage,
};

export function App() {
  const page = useRoute();
  const View = VIEWS[page];
  const lost = useApp((s) => s.lostSince !== undefined);
  const t = useT();
  usePageFocus(page);
  useAppCommands();
  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#/"
        onClick={(e) => {
          e.preventDefault();
          focusHeading();
        }}
      >
        {t('shell.skipLink')}
      </a>
      <Sidebar page={page} />
      <main className="content" data-page={page}>
        <ConnectionBanner />
        {/* A disabled fieldset disables every control inside: no action while the daemon cannot hear it. */}
        <fieldset className="page-lock" disabled={lost} aria-busy={lost}>
          <View />
        </fieldset>
      </main>
      <StatusBar />
      <Toasts />
      <LoginGate />
      <FirstRunGuide />
    </div>
  );
}

/** The page heading takes the focus (screen readers announce the new page; Tab continues inside it). */
function focusHeading(): void {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

/** Per-page document title, and the focus moves to the new page's heading on navigation (not on first load). */
function usePageFocus(page: PageId): void {
  const first = useRef(true);
  const t = useT();
  const title = t('shell.pageTitle', { page: t(`pages.${page}`) });
  useEffect(() => {
    document.title = title;
  }, [title]);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    focusHeading();
  }, [page]);
}
