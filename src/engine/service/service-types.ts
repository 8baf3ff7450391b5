/**
 * The shapes the application service is built from and plugged into, before any implementation: what a host
 * passes to `WarpService.start` (ServiceOptions), what the service says of itself (ServiceInfo), and the sync
 * backend it may be given (SyncBackend, implemented by sync-host.ts for the daemon and src/main/sync-backend.ts
 * for Electron main). Types only; no behaviour.
 */
import type { WarpConfig } from '../config/index.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import type { PowerOverrides } from '../swarm/index.ts';
import type {
  InfoDto,
  SyncAddRequest,
  SyncConflictDto,
  SyncJobDto,
  SyncResolveRequest,
  SyncResolveResult,
  SyncRestoreRequest,
  SyncRestoreResult,
  SyncSettingsRequest,
  SyncVersionDto,
} from '../../shared/bridge.ts';

export const VERSION = '0.1.0';

/** The sync engine's manager, as the daemon uses it (src/engine/sync). Absent: sync routes answer 503. */
export interface SyncBackend {
  list(): SyncJobDto[] | Promise<SyncJobDto[]>;
  add(req: SyncAddRequest): SyncJobDto | Promise<SyncJobDto>;
  remove(id: string): boolean | Promise<boolean>;
  pause(id: string): SyncJobDto | Promise<SyncJobDto>;
  resume(id: string): SyncJobDto | Promise<SyncJobDto>;
  confirm(id: string): SyncJobDto | Promise<SyncJobDto>;
  versions(id: string): SyncVersionDto[] | Promise<SyncVersionDto[]>;
  restore(req: SyncRestoreRequest): SyncRestoreResult | Promise<SyncRestoreResult>;
  conflicts(id: string): SyncConflictDto[] | Promise<SyncConflictDto[]>;
  now(id: string): SyncJobDto | Promise<SyncJobDto>;
  resolve(req: SyncResolveRequest): SyncResolveResult | Promise<SyncResolveResult>;
  settings(req: SyncSettingsRequest): SyncJobDto | Promise<SyncJobDto>;
}

/** InfoDto without what only the host knows: which process it is and what its transport offers (uploads). */
export type ServiceInfo = Omit<InfoDto, 'host' | 'features'> & { features: Omit<InfoDto['features'], 'upload'> };

export interface ServiceOptions {
  home: string;
  config: WarpConfig;
  env: TransferEnv;
  /** Run a peer listener (incoming sends, fetches and pairing) on this address; omit for none. */
  listen?: {
    host: string;
    port: number;
    root: string;
    allow?: string[];
    power?: PowerOverrides;
    acceptPrepositionBytes?: number;
  };
  /** The config file `config.set` writes (default $WARP_HOME/config.toml). */
  configPath?: string;
  log?: (msg: string) => void;
}
