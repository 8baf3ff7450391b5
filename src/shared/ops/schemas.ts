/**
 * The input-schema pieces several operations share (ids, paths on the engine's machine, archive secrets, peer
 * addresses, share limits, a sync job's guard and versions settings), written once so every operation checks
 * them alike. The daemon's upload routes use some too (levelSchema, secretSchema, shareOptions). Pure data.
 */
import { integer, literal, number, object, optional, string, type Schema } from '../../engine/core/schema.ts';
import { op, type HttpMethod, type Operation } from './spec.ts';

export const id = string({ min: 1, max: 128, pattern: /^[A-Za-z0-9._:@-]+$/, description: 'An id' });
const idParams = object({ id });
export const pathText = (description: string): Schema<string> => string({ min: 1, max: 4096, description });
export const secret = {
  password: optional(string({ min: 1, max: 1024, description: 'Archive password (sent only over loopback or HTTPS)' })),
  keyFile: optional(pathText("A key file on the daemon's machine")),
};
/** Compression effort; also used by the daemon's upload route. */
export const levelSchema = optional(literal(['fast', 'balanced', 'max'] as const, 'Compression effort'));
/** Archive password or key file; also used by the daemon's upload route. */
export const secretSchema = secret;
export const peer = string({
  min: 1,
  max: 2048,
  description: "A peer address (host:port, <peer-id>@host:port, multiaddr) or a paired peer's id or name",
});
export const transferBase = { localPath: pathText('Path on this machine'), remotePath: pathText('Path on the peer') };
export const hhmm = string({ pattern: /^\d{2}:\d{2}$/ });
export const expirySeconds = integer({ min: 1, max: 10 * 365 * 86_400, description: 'Seconds from now' });
export const downloadLimit = integer({ min: 1, max: 1_000_000_000, description: 'Downloads allowed in all' });
/** A new share's limits, password and link address; also used by the daemon's upload route. */
export const shareOptions = {
  expiresSeconds: optional(expirySeconds),
  maxDownloads: optional(downloadLimit),
  password: optional(string({ min: 1, max: 1024, description: 'Share password (sent only over loopback or HTTPS)' })),
  base: optional(
    string({
      min: 8,
      max: 512,
      pattern: /^https?:\/\/[^/?#\s]+\/?$/,
      description: 'http(s)://host:port the link names',
    }),
  ),
};

/** One operation whose only argument is an id (`/…/:id`). */
export const byId = <R>(
  method: HttpMethod,
  path: string,
  summary: string,
  response: string,
): Operation<[id: string], R> => op<[id: string], R>({ method, path, summary, params: idParams, response });

/** A sync job's deletion guard (engine sync/guard.ts). */
export const guardSettings = object({
  share: optional(number('0..1: deleting at least this share of the folder asks')),
  maxFiles: optional(integer({ min: 1, max: 100_000_000, description: 'Deleting at least this many files asks' })),
  minFiles: optional(integer({ min: 1, max: 100_000_000, description: 'The share rule applies from this many up' })),
});
/** A sync job's versions retention (engine transfer/versions-keep.ts). */
export const versionsSettings = object({
  policy: optional(literal(['trash-can', 'simple', 'staggered'] as const, 'Versions policy')),
  maxAgeMs: optional(integer({ min: 0, max: Number.MAX_SAFE_INTEGER, description: 'Drop versions older than this' })),
  maxBytes: optional(integer({ min: 0, max: Number.MAX_SAFE_INTEGER, description: 'Keep at most this many bytes' })),
  count: optional(integer({ min: 1, max: 10_000, description: 'simple: versions kept per file' })),
});
