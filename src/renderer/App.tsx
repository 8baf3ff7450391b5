import type React from 'react';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { LoginGate } from './components/LoginGate.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { Toasts } from './components/Toasts.tsx';
import { ArchivePage } from './pages/ArchivePage.tsx';
import { PeersPage } from './pages/PeersPage.tsx';
import { RoutingPage } from './pages/RoutingPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SyncPage } from './pages/SyncPage.tsx';
import { TransfersPage } from './pages/TransfersPage.tsx';
import { useRoute, type PageId } from './route.ts';
import { useApp } from './store/app.ts';

const VIEWS: Record<PageId, () => React.JSX.Element> = {
  archive: ArchivePage,
  transfers: TransfersPage,
  routing: RoutingPage,
  sync: SyncPage,
  peers: PeersPage,
  settings: SettingsPage,
};

export function App() {
  const page = useRoute();
  const View = VIEWS[page];
  const lost = useApp((s) => s.lostSince !== undefined);
  return (
    <div className="shell">
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
    </div>
  );
}
