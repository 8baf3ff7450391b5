/**
 * The first-run guide: name this machine, pair a device, choose a sync folder, in a modal dialog over the app.
 * Each step uses the same API as its page (config.set for transfer.name, the Peers page's pairing cards, the
 * Sync page's add form), and each can be skipped. Finishing or skipping writes `desktop.guide_done`, so it does
 * not come back by itself; the "Getting Started" command reopens it (guide-store.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { bridge } from '../bridge/index.ts';
import { ErrorNote, Field } from '../components/ui.tsx';
import { errorLine } from '../error-words.ts';
import { useT } from '../i18n/index.ts';
import { PairJoin, PairShow } from '../pages/peers/PairCards.tsx';
import { AddSync } from '../pages/sync/SyncAdd.tsx';
import { shortId } from '../format.ts';
import { go } from '../route.ts';
import { useApp } from '../store/app.ts';
import { useResources } from '../store/resources.ts';
import { GUIDE_DONE_KEY, checkGuide, closeGuide, useGuide } from './guide-store.ts';

const STEPS = ['guide.stepName', 'guide.stepPair', 'guide.stepSync'] as const;

/** Opens the guide by itself once the daemon is reachable and its config says the guide is due. */
function useGuideCheck(): void {
  const connected = useApp((s) => s.connection === 'open');
  const config = useResources((s) => s.config);
  const load = useResources((s) => s.loadConfig);
  useEffect(() => {
    if (connected && !config) void load();
  }, [connected, config, load]);
  useEffect(() => {
    if (config) checkGuide(config);
  }, [config]);
}

export function FirstRunGuide() {
  useGuideCheck();
  const open = useGuide((s) => s.open);
  return open ? <GuideDialog /> : null;
}

/** Marks the guide done (finished or skipped) in the daemon's config and closes it. */
async function finish(): Promise<void> {
  closeGuide();
  try {
    await bridge().config.set({ values: { [GUIDE_DONE_KEY]: true } });
  } catch (err) {
    useApp.getState().toast('error', errorLine(err));
  }
}

function GuideDialog() {
  const box = useRef<HTMLDialogElement>(null);
  const [step, setStep] = useState(0);
  const loadPeers = useResources((s) => s.loadPeers);
  const t = useT();
  useEffect(() => {
    box.current?.showModal();
    // showModal focuses the first control (Skip guide); the step's own field is where typing belongs.
    box.current?.querySelector<HTMLElement>('[data-testid=guide-name]')?.focus();
    void loadPeers();
  }, [loadPeers]);
  const next = () => (step + 1 < STEPS.length ? setStep(step + 1) : void finish());
  return (
    <dialog
      ref={box}
      className="guide"
      aria-labelledby="guide-title"
      data-testid="guide"
      // Escape is "skip the guide": it is not shown by itself again.
      onCancel={(e) => {
        e.preventDefault();
        void finish();
      }}
    >
      <div className="card-head">
        <h2 id="guide-title">{t('guide.title')}</h2>
        <button type="button" className="small" onClick={() => void finish()} data-testid="guide-skip">
          {t('guide.skip')}
        </button>
      </div>
      <ol className="guide-steps" aria-label={t('guide.stepsLabel')}>
        {STEPS.map((s, i) => (
          <li
            key={s}
            className={i === step ? 'current' : i < step ? 'past' : ''}
            aria-current={i === step || undefined}
          >
            {t(s)}
          </li>
        ))}
      </ol>
      <p className="muted small" data-testid="guide-step">
        {t('guide.stepOf', { n: step + 1, total: STEPS.length, title: t(STEPS[step]) })}
      </p>
      {step === 0 && <NameStep onDone={next} />}
      {step === 1 && <PairStep />}
      {step === 2 && <SyncStep onDone={next} />}
      {step > 0 && (
        <div className="row guide-nav">
          <button type="button" onClick={() => setStep(step - 1)}>
            {t('guide.back')}
          </button>
          <span className="spacer" />
          <button type="button" className={step === 2 ? '' : 'primary'} onClick={next} data-testid="guide-next">
            {step === 2 ? t('guide.finishWithoutSync') : t('guide.next')}
          </button>
        </div>
      )}
    </dialog>
  );
}

/** Step 1: the name peers see when pairing (config transfer.name; empty keeps the host name). */
function NameStep({ onDone }: { onDone: () => void }) {
  const self = useResources((s) => s.self);
  const loadPeers = useResources((s) => s.loadPeers);
  const [name, setName] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const t = useT();
  const shown = name ?? self?.name ?? '';
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      if (shown.trim() !== self?.name) {
        await bridge().config.set({ values: { 'transfer.name': shown.trim() } });
        await loadPeers();
      }
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="stack"
      style={{ gap: 10 }}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p>{t('guide.nameIntro')}</p>
      <Field label={t('guide.nameLabel')} hint={t('guide.nameHint')}>
        <input value={shown} maxLength={64} onChange={(e) => setName(e.target.value)} data-testid="guide-name" />
      </Field>
      {error !== undefined && <ErrorNote error={error} />}
      <div className="row">
        <span className="spacer" />
        <button type="submit" className="primary" disabled={busy || !self} data-testid="guide-name-save">
          {busy ? t('guide.saving') : t('guide.saveContinue')}
        </button>
      </div>
    </form>
  );
}

/** Step 2: pair by code, either side (the Peers page's own cards); the paired devices are listed as they come. */
function PairStep() {
  const peers = useResources((s) => s.peers);
  const loadPeers = useResources((s) => s.loadPeers);
  const [code, setCode] = useState('');
  const t = useT();
  return (
    <div className="stack" style={{ gap: 10 }}>
      <p>{t('guide.pairIntro')}</p>
      {peers && peers.length > 0 && (
        <p className="guide-paired" data-testid="guide-paired">
          {t('guide.paired', { names: peers.map((p) => p.name ?? shortId(p.id)).join(', ') })}
        </p>
      )}
      <PairShow />
      <PairJoin onPaired={() => void loadPeers()} code={code} setCode={setCode} />
    </div>
  );
}

/** Step 3: one synced folder (the Sync page's form); without a paired device there is nothing to sync with yet. */
function SyncStep({ onDone }: { onDone: () => void }) {
  const peers = useResources((s) => s.peers);
  const loadSync = useResources((s) => s.loadSync);
  const toast = useApp((s) => s.toast);
  const t = useT();
  if (peers && peers.length === 0) return <p data-testid="guide-sync-needs-peer">{t('guide.syncNeedsPeer')}</p>;
  return (
    <div className="stack" style={{ gap: 10 }}>
      <p>{t('guide.syncIntro')}</p>
      <AddSync
        onAdded={() => {
          void loadSync();
          toast('success', t('guide.syncAdded'));
          onDone();
          go('sync');
        }}
      />
    </div>
  );
}
