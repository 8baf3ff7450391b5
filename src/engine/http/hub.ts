/**
 * `warp hub`: a small headless host that keeps shares' ciphertext so their links work while the sender's machine
 * is off. It serves the same public share paths as the daemon (/s/<id>…, share-routes.ts, with the same limits
 * enforced by ShareHost) and takes shares only from their owners:
 *   PUT    /hub/<id>/manifest|index|data   the sealed files, raw bodies (streamed to a staging folder)
 *   POST   /hub/<id>/commit                the owner's settings (JSON): the share appears, whole, under its id
 *   POST   /hub/<id>/state                 { state: active | paused }
 *   POST   /hub/<id>/extend                { expiresAt: ms | null, maxDownloads: n | null }
 *   DELETE /hub/<id>                       revoke: the ciphertext is deleted
 * Every one needs `Authorization: Warp-Owner <token>` (share/owner.ts). The first upload of an id claims it for
 * that token (ids are 128 random bits, so no one can claim another's id without knowing it); the hub keeps only
 * the token's SHA-256 (owner.sha256 beside the share). It never sees a key, a name or a plain byte.
 */
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { formatBytes } from '../core/bytes.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { integer, literal, nullable, object, optional, string, type Schema } from '../core/schema.ts';
import { ShareHost } from '../share/index.ts';
import { ownerTokenHash, ownerTokenMatches } from '../share/owner.ts';
import type { ShareMeta } from '../share/store.ts';
import { HttpError, readJson, sendError, sendJson } from './responses.ts';
import { isSharePath, serveShare } from './share-routes.ts';

const HUB_PATH = /^\/hub\/([A-Za-z0-9_-]{22})(?:\/(manifest|index|data|commit|state|extend))?$/;
const OWNER_FILE = 'owner.sha256';

export interface HubOptions {
  /** Where shares are kept (`<dir>/shares/<id>`). */
  dir: string;
  host: string;
  port: number;
  /** Largest share (all three files together) the hub takes. */
  maxShareBytes: number;
  log?: (msg: string) => void;
}

export interface RunningHub {
  url: string;
  close(): Promise<void>;
}

const commitSchema = object({
  createdAt: integer({ min: 0 }),
  expiresAt: nullable(integer({ min: 0 })),
  maxDownloads: nullable(integer({ min: 1 })),
  files: integer({ min: 0 }),
  totalBytes: integer({ min: 0 }),
  chunks: integer({ min: 0 }),
  kdf: optional(
    object({ salt: string({ min: 1, max: 64 }), opsLimit: integer({ min: 1 }), memKiB: integer({ min: 8 }) }),
  ),
  check: optional(string({ min: 1, max: 64 })),
});
const stateSchema = object({ state: literal(['active', 'paused'] as const, 'State') });
const extendSchema = object({
  expiresAt: nullable(integer({ min: 0 })),
  maxDownloads: nullable(integer({ min: 1 })),
});

function checked<T>(schema: Schema<T>, value: unknown): T {
  return schema.parse(value, 'body', false);
}

class Hub {
  readonly shares: ShareHost;
  private readonly o: HubOptions;

  constructor(o: HubOptions) {
    this.o = o;
    this.shares = new ShareHost(o.dir);
  }

  private staging(id: string): string {
    return path.join(this.shares.store.root, `.staging-${id}`);
  }

  /** The token must match the one that claimed the id; the first upload of a new id claims it. */
  private authorize(req: IncomingMessage, id: string, claim: boolean): void {
    const token = /^Warp-Owner ([A-Za-z0-9_-]{43})$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const live = path.join(this.shares.store.dir(id), OWNER_FILE);
    const staged = path.join(this.staging(id), OWNER_FILE);
    const hash = [live, staged].map((f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : '')).find(Boolean);
    if (hash) {
      if (!ownerTokenMatches(token, hash))
        throw new HttpError(403, 'NOT_OWNER', 'only the owner of this share may change it here (owner token refused)');
      return;
    }
    if (!claim || !token)
      throw new HttpError(
        token ? 404 : 403,
        token ? 'SHARE_NOT_FOUND' : 'NOT_OWNER',
        token ? 'no such share on this hub' : 'an owner token is needed',
      );
    fs.mkdirSync(this.staging(id), { recursive: true, mode: 0o700 });
    fs.writeFileSync(staged, ownerTokenHash(token) + '\n', { mode: 0o600 });
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const m = HUB_PATH.exec(url.pathname);
    if (!m) throw new HttpError(404, 'NOT_FOUND', `no ${url.pathname} on this hub`);
    const [, id, what] = m;
    const method = req.method ?? 'GET';
    if (method === 'PUT' && (what === 'manifest' || what === 'index' || what === 'data')) {
      if (fs.existsSync(this.shares.store.dir(id)))
        throw new HttpError(409, 'CONFLICT', 'this share is already published here');
      this.authorize(req, id, true);
      return sendJson(res, 200, { bytes: await this.receive(req, id, what) });
    }
    if (method === 'POST' && what === 'commit') {
      this.authorize(req, id, false);
      return sendJson(res, 201, this.commit(id, checked(commitSchema, await readJson(req))));
    }
    this.authorize(req, id, false);
    if (method === 'POST' && what === 'state') {
      const { state } = checked(stateSchema, await readJson(req));
      return sendJson(res, 200, this.shares.store.setState(id, state));
    }
    if (method === 'POST' && what === 'extend') {
      const b = checked(extendSchema, await readJson(req));
      return sendJson(
        res,
        200,
        this.shares.store.update(id, (meta) => {
          meta.expiresAt = b.expiresAt;
          meta.maxDownloads = b.maxDownloads;
        }),
      );
    }
    if (method === 'DELETE' && what === undefined) return sendJson(res, 200, this.shares.store.revoke(id));
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} ${url.pathname} is not supported`);
  }

  /** Streams one sealed file into staging, refusing more than the hub takes for a share. */
  private async receive(req: IncomingMessage, id: string, what: string): Promise<number> {
    const dir = this.staging(id);
    const others = ['manifest', 'index', 'data']
      .filter((f) => f !== what)
      .reduce((n, f) => n + fileSize(path.join(dir, `${f}.bin`)), 0);
    let size = 0;
    const limit = this.o.maxShareBytes - others;
    const most = formatBytes(this.o.maxShareBytes);
    const file = path.join(dir, `${what}.bin`);
    try {
      await pipeline(
        req,
        async function* (src: AsyncIterable<Buffer>) {
          for await (const c of src) {
            size += c.length;
            if (size > limit)
              throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `a share on this hub may hold at most ${most}`);
            yield c;
          }
        },
        fs.createWriteStream(file, { mode: 0o600 }),
      );
    } catch (e) {
      fs.rmSync(file, { force: true });
      throw e instanceof WarpError ? e : fromSystemError(e, file, 'write');
    }
    return size;
  }

  /** The staged files become the share, once they are consistent with each other. */
  private commit(id: string, b: Omit<ShareMeta, 'id' | 'state' | 'storedBytes'>): unknown {
    const dir = this.staging(id);
    const [manifest, index, data] = ['manifest.bin', 'index.bin', 'data.bin'].map((f) =>
      fileSize(path.join(dir, f), -1),
    );
    if (manifest <= 0 || index < 16 || index % 8 !== 0 || data < 0)
      throw new HttpError(400, 'BAD_REQUEST', 'upload the manifest, index and data before committing');
    const ix = fs.readFileSync(path.join(dir, 'index.bin'));
    if (index / 8 - 1 !== b.chunks || Number(ix.readBigUInt64LE(index - 8)) !== data)
      throw new HttpError(400, 'BAD_REQUEST', 'the index does not match the data or the chunk count');
    const owner = fs.readFileSync(path.join(dir, OWNER_FILE));
    this.shares.store.publish(id, dir, {
      id,
      state: 'active',
      storedBytes: data + manifest,
      createdAt: b.createdAt,
      expiresAt: b.expiresAt,
      maxDownloads: b.maxDownloads,
      files: b.files,
      totalBytes: b.totalBytes,
      chunks: b.chunks,
      ...(b.kdf ? { kdf: b.kdf } : {}),
      ...(b.check ? { check: b.check } : {}),
    });
    fs.writeFileSync(path.join(this.shares.store.dir(id), OWNER_FILE), owner, { mode: 0o600 });
    return this.shares.store.info(id);
  }
}

function fileSize(file: string, missing = 0): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return missing;
  }
}

export async function startHub(o: HubOptions): Promise<RunningHub> {
  fs.mkdirSync(path.join(o.dir, 'shares'), { recursive: true, mode: 0o700 });
  const hub = new Hub(o);
  const server = http.createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    const run = isSharePath(url.pathname)
      ? serveShare(hub.shares, req, res, url)
      : url.pathname === '/health'
        ? Promise.resolve(sendJson(res, 200, { ok: true, hub: true }))
        : hub.handle(req, res, url);
    run.catch((e: unknown) => {
      if (!(e instanceof WarpError)) o.log?.(`${req.method} ${req.url}: ${(e as Error)?.stack ?? String(e)}`);
      req.resume();
      sendError(res, e);
    });
  });
  server.requestTimeout = 0; // uploads of large shares
  server.headersTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => resolve());
    });
  } catch (e) {
    throw new WarpError(
      ErrorCodes.USAGE,
      `the hub cannot listen on ${o.host}:${o.port} (${(e as NodeJS.ErrnoException).code}): pick another --port or --host`,
    );
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    close: async () => {
      hub.shares.close();
      const closed = new Promise<void>((r) => server.close(() => r()));
      // A browser keeps its connections open (a page's chunk requests, keep-alive): a stopping hub drops
      // them rather than waiting for each client to let go (that took minutes with a share page open).
      server.closeAllConnections();
      await closed;
    },
  };
}
