/**
 * The owner's side of a hub (http/hub.ts): publish a share's ciphertext there so the link works while this
 * machine is off, and pass pause, resume, extend and revoke on to every hub the share was published to. Every
 * request carries the owner token kept beside the share (owner.ts); the hub never gets a key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { ShareInfo, ShareStore } from './store.ts';

/** A hub's base URL as given (http or https, no path). */
export function hubBase(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new WarpError(ErrorCodes.USAGE, `'${url}' is not a hub address (http://host:port)`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || (u.pathname !== '/' && u.pathname !== ''))
    throw new WarpError(ErrorCodes.USAGE, `'${url}' is not a hub address (http://host:port, no path)`);
  return u.origin;
}

async function call(hub: string, method: string, p: string, token: string, body?: unknown): Promise<unknown> {
  let r: Response;
  try {
    r = await fetch(`${hub}${p}`, {
      method,
      headers: {
        authorization: `Warp-Owner ${token}`,
        ...(body instanceof Readable ? {} : { 'content-type': 'application/json' }),
      },
      body: body instanceof Readable ? (Readable.toWeb(body) as ReadableStream) : JSON.stringify(body ?? {}),
      ...(body instanceof Readable ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (e) {
    throw new WarpError(ErrorCodes.PEER_UNREACHABLE, `could not reach the hub ${hub} (${(e as Error).message})`, {
      cause: e,
    });
  }
  const text = await r.text();
  if (r.ok) return text ? JSON.parse(text) : undefined;
  let message = `HTTP ${r.status}`;
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
  } catch {
    /* not JSON */
  }
  throw new WarpError(ErrorCodes.REMOTE, `the hub ${hub} refused: ${message}`, { details: { status: r.status } });
}

function tokenOf(info: ShareInfo): string {
  if (!info.owner)
    throw new WarpError(
      ErrorCodes.USAGE,
      `share '${info.id}' was made before hubs existed and has no owner token: create it again to publish it`,
    );
  return info.owner;
}

/** Uploads the share's sealed files and settings to `hub`, then remembers the hub for later changes. */
export async function publishShare(store: ShareStore, id: string, hubUrl: string): Promise<ShareInfo> {
  const hub = hubBase(hubUrl);
  const info = store.info(id);
  if (!info) throw new WarpError(ErrorCodes.SESSION_NOT_FOUND, `no share '${id}' ('warp share list' shows them)`);
  if (info.state === 'revoked') throw new WarpError(ErrorCodes.USAGE, `share '${id}' was revoked; nothing to publish`);
  const token = tokenOf(info);
  for (const f of ['manifest', 'index', 'data'])
    await call(hub, 'PUT', `/hub/${id}/${f}`, token, fs.createReadStream(path.join(store.dir(id), `${f}.bin`)));
  await call(hub, 'POST', `/hub/${id}/commit`, token, {
    createdAt: info.createdAt,
    expiresAt: info.expiresAt,
    maxDownloads: info.maxDownloads,
    files: info.files,
    totalBytes: info.totalBytes,
    chunks: info.chunks,
    ...(info.kdf ? { kdf: info.kdf } : {}),
    ...(info.check ? { check: info.check } : {}),
  });
  if (info.state === 'paused') await call(hub, 'POST', `/hub/${id}/state`, token, { state: 'paused' });
  return store.update(id, (m) => {
    m.hubs = [...new Set([...(m.hubs ?? []), hub])];
  });
}

/** Passes the owner's current settings (or a revoke) on to every hub the share is on. */
export async function tellHubs(info: ShareInfo, revoked = false): Promise<void> {
  const failures: string[] = [];
  for (const hub of info.hubs ?? []) {
    try {
      const token = tokenOf(info);
      if (revoked) await call(hub, 'DELETE', `/hub/${info.id}`, token);
      else {
        await call(hub, 'POST', `/hub/${info.id}/state`, token, { state: info.state });
        await call(hub, 'POST', `/hub/${info.id}/extend`, token, {
          expiresAt: info.expiresAt,
          maxDownloads: info.maxDownloads,
        });
      }
    } catch (e) {
      failures.push(`${hub}: ${(e as Error).message}`);
    }
  }
  if (failures.length)
    throw new WarpError(
      ErrorCodes.PEER_UNREACHABLE,
      `changed here, but not on every hub (run the command again once it answers): ${failures.join('; ')}`,
    );
}
