/**
 * The engine inside the Electron main process: the same service facade `warp daemon` hosts
 * (src/engine/service/warp-service.ts) over WARP_HOME, with a peer listener so paired peers can send to and fetch
 * from this machine while the app sits in the tray. CPU work (chunking, hashing, compression) already runs in
 * the engine's worker threads, so main's event loop only moves buffers and the window never stalls on it.
 */
import path from 'node:path';
import { loadConfig, type WarpConfig } from '../engine/config/index.ts';
import { secureHome, warpHome } from '../engine/core/warp-home.ts';
import { serviceTransferEnv } from '../engine/service/service-env.ts';
import { WarpService } from '../engine/service/warp-service.ts';
import { attachSync } from '../engine/service/sync-host.ts';
import type { SyncManager } from '../engine/sync/index.ts';
import { powerFlags, swarmPowerOverrides, type PowerState } from './power-state.ts';

export interface EngineHost {
  service: WarpService;
  config: WarpConfig;
  home: string;
  /** Why the peer listener is not running, when it is not (the port is taken, e.g. by `warp listen`). */
  listenError?: string;
  /** The sync engine, when hosted (its power input is fed from Electron's power monitor). */
  syncManager?: SyncManager;
  /**
   * This machine's power as a swarm source reports it (kept up to date by setPower): pass this object as the
   * swarm listener's `power` option where the peer listener serves swarm requests.
   */
  swarmPower: { battery?: number | 'ac' };
  /** Electron's power state, passed to the engine parts that act on it. */
  setPower(p: PowerState): void;
  stop(): Promise<void>;
}

export async function startEngineHost(log: (m: string) => void): Promise<EngineHost> {
  const home = warpHome();
  const homeWarning = secureHome(home); // 0700, or say why not
  if (homeWarning) log(`warning: ${homeWarning}`);
  const { config } = loadConfig({ env: process.env });
  const env = await serviceTransferEnv(home, config);
  const base = { home, config, env, log };
  let service: WarpService;
  let listenError: string | undefined;
  try {
    service = await WarpService.start({
      ...base,
      listen: { host: config.transfer.host, port: config.transfer.port, root: path.join(home, 'received') },
    });
  } catch (e) {
    // Another Warp (a `warp listen` or `warp daemon`) may hold the port: the app still works, without serving.
    listenError = e instanceof Error ? e.message : String(e);
    log(`peer listener not started: ${listenError}`);
    service = await WarpService.start(base);
  }
  // Background sync runs here while the app sits in the tray, hosted exactly as `warp daemon` hosts it: its
  // jobs behind the facade's sync methods, its events (contract shapes) on the facade's event bus.
  const syncManager = await attachSync(service, config, log);

  const host: EngineHost = {
    service,
    config,
    home,
    listenError,
    syncManager,
    swarmPower: {},
    setPower(p) {
      const o = swarmPowerOverrides(p);
      if (o.battery === undefined) delete host.swarmPower.battery;
      else host.swarmPower.battery = o.battery;
      // Sync pauses jobs marked pauseOnBattery while on battery (SyncManager reads /sys itself only without a host feed).
      host.syncManager?.setPowerState({ onBattery: powerFlags(p).onBattery });
    },
    async stop() {
      await host.syncManager?.stop();
      await service.stop();
    },
  };
  return host;
}
