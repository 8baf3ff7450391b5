/**
 * The owner's side of share links for the UI (operations `shares.*`): create, list, pause, resume, revoke,
 * extend, over the same share store the CLI writes and the daemon serves (src/engine/share). The service keeps
 * no state of its own here: the store's files are the truth, so the CLI and the UI always agree.
 */
import { paramsForAverage } from '../codec/fastcdc.ts';
import type { WarpConfig } from '../config/index.ts';
import type { FileIndex } from '../store/file-index.ts';
import { createShare, formatShareLink, shareLinkBase, ShareStore, type ShareInfo } from '../share/index.ts';
import { tellHubs } from '../share/publish.ts';
import type { ShareCreateRequest, ShareCreatedDto, ShareDto, ShareExtendRequest } from '../../shared/bridge.ts';

/** What the UI may see of a share: everything the owner set and the server counted, not the KDF salt. */
export function shareDto(s: ShareInfo): ShareDto {
  return {
    id: s.id,
    status: s.status,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    maxDownloads: s.maxDownloads,
    password: s.kdf !== undefined,
    files: s.files,
    totalBytes: s.totalBytes,
    storedBytes: s.storedBytes,
    downloads: s.downloads,
    bytesServed: s.bytesServed,
    lastAccess: s.lastAccess,
  };
}

export class ShareOps {
  private readonly store: ShareStore;
  private readonly home: string;
  private readonly config: () => WarpConfig;
  private readonly index?: FileIndex;

  constructor(home: string, config: () => WarpConfig, index?: FileIndex) {
    this.home = home;
    this.config = config;
    this.index = index;
    this.store = new ShareStore(home);
  }

  list(): ShareDto[] {
    return this.store.list().map(shareDto);
  }

  /** Shares `paths` (on this machine); `cleanup` runs once the share is written or failed (an upload's staging). */
  async create(req: ShareCreateRequest, cleanup?: () => void): Promise<ShareCreatedDto> {
    try {
      return await this.createFrom(req);
    } finally {
      cleanup?.();
    }
  }

  private async createFrom(o: ShareCreateRequest): Promise<ShareCreatedDto> {
    const config = this.config();
    const created = await createShare({
      home: this.home,
      paths: o.paths,
      index: this.index,
      chunking: paramsForAverage(config.archive.chunkAvg),
      expiresInSeconds: o.expiresSeconds,
      maxDownloads: o.maxDownloads,
      password: o.password === undefined ? undefined : new TextEncoder().encode(o.password),
    });
    const base = o.base ?? shareLinkBase(config.daemon.host, config.daemon.port);
    return { share: shareDto(created.info), link: formatShareLink(base, created.id, created.key) };
  }

  pause(id: string): Promise<ShareDto> {
    return this.everywhere(this.store.setState(id, 'paused'));
  }

  resume(id: string): Promise<ShareDto> {
    return this.everywhere(this.store.setState(id, 'active'));
  }

  revoke(id: string): Promise<ShareDto> {
    return this.everywhere(this.store.revoke(id), true);
  }

  extend(req: ShareExtendRequest): Promise<ShareDto> {
    return this.everywhere(
      this.store.extend(req.id, {
        never: req.never,
        expiresInSeconds: req.expiresSeconds,
        maxDownloads: req.maxDownloads,
      }),
    );
  }

  /** The change is made here; then every hub the share is on is told (one that does not answer is an error). */
  private async everywhere(info: ShareInfo, revoked = false): Promise<ShareDto> {
    await tellHubs(info, revoked);
    return shareDto(info);
  }
}
