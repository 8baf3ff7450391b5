/**
 * Creating a share: the paths are scanned and cut into content-defined chunks (the transfer engine's tree, so
 * the file index spares re-reading unchanged files), each unique chunk is compressed where that pays and sealed
 * under a fresh random key, then the sealed manifest; the share appears under its id only when complete.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EntryType } from '../model/manifest.ts';
import { aead, makeNonce, NonceDomain } from '../codec/aead.ts';
import { blake3 } from '../codec/blake3.ts';
import { compressChunk } from '../codec/compress.ts';
import { deriveFromPassword, SALT_BYTES } from '../codec/kdf.ts';
import type { ChunkerParams } from '../codec/fastcdc.ts';
import { merkleRoot } from '../codec/merkle.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import type { FileIndex } from '../store/file-index.ts';
import { ChunkIdMap } from '../model/chunk-id.ts';
import { buildTree, type LocalTree } from '../transfer/tree.ts';
import {
  encodeShareManifest,
  sealingKey,
  shareKeyCheck,
  SHARE_ARGON2,
  SHARE_FORMAT,
  SHARE_KEY_BYTES,
  type ShareChunk,
  type ShareEntry,
  type ShareManifest,
} from './format.ts';
import { ownerToken } from './owner.ts';
import { ShareStore, type ShareInfo } from './store.ts';

export interface CreateShareOptions {
  home: string;
  paths: string[];
  chunking: ChunkerParams;
  index?: FileIndex;
  expiresInSeconds?: number;
  maxDownloads?: number;
  onWarning?: (path: string, message: string) => void;
  /** A password that must accompany the link (Argon2id-stretched). */
  password?: Uint8Array;
}

export interface CreatedShare {
  id: string;
  /** The share key: only in the link, never stored. */
  key: Buffer;
  info: ShareInfo;
}

/** Appends sealed chunks to data.bin and remembers where each starts. */
class SealedWriter {
  private readonly fd: number;
  private readonly key: Buffer;
  readonly offsets: number[] = [0];

  constructor(file: string, key: Buffer) {
    this.fd = fs.openSync(file, 'w', 0o600);
    this.key = key;
  }

  add(plain: Uint8Array): number {
    const i = this.offsets.length - 1;
    const { codec, data } = compressChunk(plain, 'balanced');
    const sealed = aead.seal(this.key, makeNonce(NonceDomain.CHUNK, i), data);
    fs.writeSync(this.fd, sealed);
    this.offsets.push(this.offsets[i] + sealed.length);
    return codec;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function readPlace(tree: LocalTree, id: Uint8Array): Buffer {
  const place = tree.locate(id);
  if (!place) throw new WarpError(ErrorCodes.INTERNAL, 'a chunk of the scanned tree has no place');
  const buf = Buffer.allocUnsafe(place.length);
  let fd: number;
  try {
    fd = fs.openSync(place.abs, 'r');
  } catch (e) {
    throw fromSystemError(e, place.abs, 'read');
  }
  try {
    const n = fs.readSync(fd, buf, 0, place.length, place.offset);
    if (n !== place.length)
      throw new WarpError(
        ErrorCodes.INPUT_UNREADABLE,
        `${place.abs} changed while it was being shared (shorter than scanned)`,
      );
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

/** Scans one input into entries and sealed chunks (chunks already sealed for an earlier input are reused). */
function addInput(
  abs: string,
  o: CreateShareOptions,
  out: { entries: ShareEntry[]; chunks: ShareChunk[]; seen: ChunkIdMap<number>; writer: SealedWriter },
): number {
  const tree = buildTree(abs, o.chunking, o.index, o.onWarning);
  const m = tree.manifest;
  const local: number[] = [];
  for (let c = 0; c < m.chunkCount; c++) {
    const id = m.chunkId(c);
    let at = out.seen.get(id);
    if (at === undefined) {
      const plain = readPlace(tree, id);
      const codec = out.writer.add(plain);
      at = out.chunks.push({ id: Buffer.from(id), n: plain.length, c: codec }) - 1;
      out.seen.set(id, at);
    }
    local.push(at);
  }
  let bytes = 0;
  for (const e of m.entries()) {
    const entry: ShareEntry = { p: e.path, t: e.type, m: e.mode, mt: e.mtimeMs, s: e.size };
    if (e.type === EntryType.FILE) {
      entry.h = e.hash ? Buffer.from(e.hash) : undefined;
      entry.r = Array.from(m.refsOf(e.index), (c) => local[c]);
      bytes += e.size;
    }
    if (e.type === EntryType.SYMLINK) entry.l = e.linkTarget;
    out.entries.push(entry);
  }
  return bytes;
}

export async function createShare(o: CreateShareOptions): Promise<CreatedShare> {
  if (o.paths.length === 0) throw new WarpError(ErrorCodes.USAGE, 'name at least one file or folder to share');
  const names = new Set<string>();
  for (const p of o.paths) {
    const base = path.basename(path.resolve(p));
    if (names.has(base))
      throw new WarpError(ErrorCodes.USAGE, `two inputs are named '${base}': a share holds each top-level name once`);
    names.add(base);
    if (!fs.existsSync(p)) throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `${p}: no such file or directory`);
  }
  const store = new ShareStore(o.home);
  const id = store.newId();
  const linkKey = crypto.randomBytes(SHARE_KEY_BYTES);
  const kdfSalt = crypto.randomBytes(SALT_BYTES);
  const stretched = o.password ? await deriveFromPassword(o.password, kdfSalt, SHARE_ARGON2) : undefined;
  const key = Buffer.from(sealingKey(linkKey, stretched, blake3));
  const staging = store.staging(id);
  try {
    const writer = new SealedWriter(path.join(staging, 'data.bin'), key);
    const acc = { entries: [] as ShareEntry[], chunks: [] as ShareChunk[], seen: new ChunkIdMap<number>(), writer };
    let totalBytes = 0;
    try {
      for (const p of o.paths) totalBytes += addInput(path.resolve(p), o, acc);
    } finally {
      writer.close();
    }
    const manifest: ShareManifest = {
      v: SHARE_FORMAT,
      createdAt: Date.now(),
      entries: acc.entries,
      chunks: acc.chunks,
      totalBytes,
      root: merkleRoot(acc.chunks.length, (i) => acc.chunks[i].id),
    };
    const sealedManifest = aead.seal(key, makeNonce(NonceDomain.MANIFEST, 0), encodeShareManifest(manifest));
    fs.writeFileSync(path.join(staging, 'manifest.bin'), sealedManifest, { mode: 0o600 });
    const index = Buffer.alloc(writer.offsets.length * 8);
    writer.offsets.forEach((off, i) => index.writeBigUInt64LE(BigInt(off), i * 8));
    fs.writeFileSync(path.join(staging, 'index.bin'), index, { mode: 0o600 });
    const now = Date.now();
    store.publish(id, staging, {
      id,
      createdAt: now,
      state: 'active',
      expiresAt: o.expiresInSeconds === undefined ? null : now + o.expiresInSeconds * 1000,
      maxDownloads: o.maxDownloads ?? null,
      files: acc.entries.filter((e) => e.t === EntryType.FILE).length,
      totalBytes,
      storedBytes: writer.offsets[writer.offsets.length - 1] + sealedManifest.length,
      chunks: acc.chunks.length,
      ...(stretched ? { kdf: { salt: kdfSalt.toString('base64url'), ...SHARE_ARGON2 } } : {}),
      check: shareKeyCheck(key, blake3),
      owner: ownerToken(linkKey),
    });
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return { id, key: linkKey, info: store.info(id)! };
}
