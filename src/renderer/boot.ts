/**
 * Wires the bridge to the stores: every event goes through the rAF pump; initial lists are fetched once; the
 * scheduler backend is probed in the background. Returns a teardown for hot reload and tests.
 */
import { getBridge } from './bridge/index.ts';
import { errorLine } from './error-words.ts';
import { onLanguage, t } from './i18n/index.ts';
import { shortId } from './format.ts';
import { createWebNotifier } from './notify.ts';
import { schedulerBackend } from './sched/runtime.ts';
import { useApp } from './store/app.ts';
import { useJobs } from './store/jobs.ts';
import { pump } from './store/pump.ts';
import { useResources } from './store/resources.ts';
import { useSwarm } from './store/swarm.ts';

export async function loadInitial(): Promise<void> {
  const { bridge } = getBridge();
  const app = useApp.getState();
  try {
    app.setInfo(await bridge.info());
  } catch (err) {
    app.setInfo(undefined, errorLine(err));
    return;
  }
  const [jobs, swarm] = await Promise.allSettled([bridge.jobs.list(), bridge.swarm.status()]);
  if (jobs.status === 'fulfilled') useJobs.getState().replace(jobs.value);
  if (swarm.status === 'fulfilled') {
    useResources.setState({ swarm: swarm.value });
    useSwarm.getState().seed(swarm.value.sessions);
  }
  void useResources.getState().loadTransfers();
}

export function boot(): () => void {
  const chosen = getBridge();
  const app = useApp.getState();
  app.setMode(chosen.mode);
  const offs: (() => void)[] = [];
  offs.push(pump.subscribe((batch) => useJobs.getState().apply(batch)));
  offs.push(pump.subscribe((batch) => useSwarm.getState().apply(batch)));
  offs.push(pump.subscribe((batch) => useResources.getState().apply(batch)));
  if (chosen.mode === 'web') offs.push(pump.subscribe(createWebNotifier()));
  offs.push(
    pump.subscribe((batch) => {
      for (const e of batch) {
        if (e.type === 'daemon.hello') void loadInitial();
        else if (e.type === 'peer.paired') app.toast('success', t('boot.paired', { name: e.name ?? shortId(e.peer) }));
        else if (e.type === 'peer.pair-failed') app.toast('error', t('boot.pairFailed', { message: e.error.message }));
      }
    }),
  );
  if (chosen.http) {
    offs.push(
      chosen.http.onConnection((c) => {
        const was = useApp.getState().connection;
        useApp.getState().setConnection(c);
        if (c === 'open' && was === 'unauthorized') void loadInitial();
      }),
    );
  } else app.setConnection('open');
  offs.push(chosen.bridge.onEvent(pump.push));
  const setLanguage = chosen.bridge.setLanguage;
  if (setLanguage) offs.push(onLanguage((l) => setLanguage(l)));
  // Read-only counters for diagnostics and the e2e frame-time report (events received, frames that applied them).
  (window as unknown as { __warpStats?: () => { events: number; flushes: number } }).__warpStats = () => ({
    events: pump.events,
    flushes: pump.flushes,
  });
  void loadInitial();
  void schedulerBackend();
  return () => {
    for (const off of offs) off();
  };
}
