/**
 * The daemon: the application service (src/engine/service, transport-free, also hosted by Electron main), the
 * sync engine attached to it, and the HTTP server around it. `startDaemon` starts all three; Electron main
 * uses `WarpService.start` alone and calls it from IPC handlers.
 */
import type { WarpConfig } from '../config/index.ts';
import { serviceTransferEnv } from '../service/service-env.ts';
import { startDaemonServer, type RunningDaemon } from './server.ts';
import { WarpService } from '../service/warp-service.ts';
import { attachSync } from '../service/sync-host.ts';
import { readLinuxOnBattery } from '../core/power-supply.ts';

export { loadOrCreateToken, tokenFile } from './auth.ts';

export interface DaemonOptions {
  home: string;
  config: WarpConfig;
  host: string;
  port: number;
  uiDir: string;
  /** The peer listener (incoming transfers, pairing); omit for none. */
  listen?: { host: string; port: number; root: string; allow?: string[]; acceptPrepositionBytes?: number };
  log?: (msg: string) => void;
}

export async function startDaemon(
  o: DaemonOptions,
): Promise<{ service: WarpService; server: RunningDaemon; stop(): Promise<void> }> {
  const env = await serviceTransferEnv(o.home, o.config);
  const service = await WarpService.start({ home: o.home, config: o.config, env, listen: o.listen, log: o.log });
  let server: RunningDaemon;
  const sync = await attachSync(service, o.config, o.log);
  // Without Electron's power monitor, "pause on battery" reads Linux's power_supply (every 30 s; nothing elsewhere).
  const power = (): void => {
    const b = readLinuxOnBattery();
    if (b !== undefined) sync.setPowerState({ onBattery: b });
  };
  power();
  const powerTimer = setInterval(power, 30_000);
  powerTimer.unref();
  try {
    server = await startDaemonServer({ service, host: o.host, port: o.port, uiDir: o.uiDir, log: o.log });
  } catch (e) {
    clearInterval(powerTimer);
    await sync.stop();
    await service.stop();
    throw e;
  }
  return {
    service,
    server,
    async stop() {
      clearInterval(powerTimer);
      await server.close();
      await sync.stop();
      await service.stop();
    },
  };
}
