/**
 * The daemon: the service facade (transport-free, also hosted by Electron main) and the HTTP server around it.
 * `startDaemon` starts both; Electron main uses `WarpService.start` alone and calls it from IPC handlers.
 */
import type { WarpConfig } from '../config/index.ts';
import { daemonTransferEnv } from './env.ts';
import { startDaemonServer, type RunningDaemon } from './server.ts';
import { WarpService } from './service.ts';
import { attachSync } from './sync-host.ts';

export { WarpService, VERSION, type SyncBackend, type ServiceOptions } from './service.ts';
export { daemonTransferEnv } from './env.ts';
export { startDaemonServer, type RunningDaemon } from './server.ts';
export { loadOrCreateToken, tokenFile } from './auth.ts';
export { openApiDocument } from './openapi.ts';
export type { SwarmFetch } from './transfers.ts';
export { attachSync, syncJobDto, syncEventDto } from './sync-host.ts';

export interface DaemonOptions {
  home: string;
  config: WarpConfig;
  host: string;
  port: number;
  uiDir: string;
  /** The peer listener (incoming transfers, pairing); omit for none. */
  listen?: { host: string; port: number; root: string; allow?: string[] };
  log?: (msg: string) => void;
}

export async function startDaemon(o: DaemonOptions): Promise<{ service: WarpService; server: RunningDaemon; stop(): Promise<void> }> {
  const env = await daemonTransferEnv(o.home, o.config);
  const service = await WarpService.start({ home: o.home, config: o.config, env, host: 'daemon', listen: o.listen, log: o.log });
  let server: RunningDaemon;
  const sync = await attachSync(service, o.config, o.log);
  try {
    server = await startDaemonServer({ service, host: o.host, port: o.port, uiDir: o.uiDir, log: o.log });
  } catch (e) {
    await sync.stop();
    await service.stop();
    throw e;
  }
  return {
    service, server,
    async stop() {
      await server.close();
      await sync.stop();
      await service.stop();
    },
  };
}
