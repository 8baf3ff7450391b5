/**
 * Saving a share into a folder the user picked (the File System Access API), resumable across a dropped
 * connection and a reload of the page.
 *
 * A File System Access write lands only when its stream closes (the browser writes a swap file until then), so
 * a file is written in segments of whole chunks, about SEGMENT_BYTES each, every segment its own
 * `<name>.warp-part<k>` committed as soon as it is complete: a reload or a failure loses at most the segment in
 * progress. Saving into the same folder again re-reads the committed segments, checks every chunk in them
 * against its BLAKE3 id and downloads only the rest; a file already there under its final name with the right
 * bytes is kept as it is. The file gets its final name only once every part verified and the whole-file hash
 * matched (segments joined into `<name>.warp-part`, then renamed), so a tampered or failed download leaves
 * nothing under a final name, only part files that the next try reuses or replaces.
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { equal, ShareError, type Entry, type OpenShare } from './share-core.ts';

export interface Writable {
  write(d: Uint8Array | Blob): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}
export interface FileHandle {
  kind: 'file';
  createWritable(): Promise<Writable>;
  getFile(): Promise<File>;
  move?(name: string): Promise<void>;
}
export interface DirHandle {
  getDirectoryHandle(n: string, o: { create: boolean }): Promise<DirHandle>;
  getFileHandle(n: string, o: { create: boolean }): Promise<FileHandle>;
  removeEntry(n: string): Promise<void>;
}

/** How many bytes a committed segment holds at least (whole chunks): what a reload may cost again. */
export const SEGMENT_BYTES = 16 * 1024 * 1024;
const PART = '.warp-part';

/** Bytes handled, split into those fetched now and those found already verified in the folder. */
export interface SaveCounts {
  fetched: number;
  reused: number;
}

interface Segment {
  /** Indices into the file's chunk list, `to` exclusive. */
  from: number;
  to: number;
  bytes: number;
}

/** The file's chunk list cut into runs of whole chunks of at least SEGMENT_BYTES (the last one shorter). */
function segments(share: OpenShare, e: Entry): Segment[] {
  const refs = e.r ?? [];
  const out: Segment[] = [];
  let cur: Segment = { from: 0, to: 0, bytes: 0 };
  for (let k = 0; k < refs.length; k++) {
    cur.bytes += share.manifest.chunks[refs[k]].n;
    cur.to = k + 1;
    if (cur.bytes >= SEGMENT_BYTES) {
      out.push(cur);
      cur = { from: k + 1, to: k + 1, bytes: 0 };
    }
  }
  if (cur.to > cur.from) out.push(cur);
  return out;
}

async function fileIn(dir: DirHandle, name: string): Promise<File | undefined> {
  try {
    return await (await dir.getFileHandle(name, { create: false })).getFile();
  } catch {
    return undefined;
  }
}

async function remove(dir: DirHandle, name: string): Promise<void> {
  await dir.removeEntry(name).catch(() => undefined);
}

/**
 * Whether `blob` holds exactly the chunks `seg` names, each checked against its id; on success the bytes went
 * into `h` (a clone is fed, so a half-matching blob leaves `h` untouched) and the new state is returned.
 */
async function verifiedBlob(
  share: OpenShare,
  e: Entry,
  seg: Segment,
  blob: Blob | undefined,
  h: ReturnType<typeof blake3.create>,
): Promise<ReturnType<typeof blake3.create> | undefined> {
  if (!blob || blob.size !== seg.bytes) return undefined;
  const next = h.clone();
  let at = 0;
  for (let k = seg.from; k < seg.to; k++) {
    const c = share.manifest.chunks[e.r![k]];
    const bytes = new Uint8Array(await blob.slice(at, at + c.n).arrayBuffer());
    if (!equal(blake3(bytes), c.id)) return undefined;
    next.update(bytes);
    at += c.n;
  }
  return next;
}

/** Downloads one segment into its part file, committed only when every chunk of it verified. */
async function writeSegment(
  share: OpenShare,
  e: Entry,
  seg: Segment,
  part: FileHandle,
  h: ReturnType<typeof blake3.create>,
  onBytes: (n: number) => void,
): Promise<void> {
  const w = await part.createWritable();
  try {
    for await (const bytes of share.file(e, { from: seg.from, to: seg.to })) {
      await w.write(bytes);
      h.update(bytes);
      onBytes(bytes.length);
    }
    await w.close();
  } catch (err) {
    await w.abort().catch(() => undefined);
    throw err;
  }
}

/** Joins the verified segments into `<name>.warp-part` and gives it the final name. */
async function commit(dir: DirHandle, name: string, count: number): Promise<void> {
  const joined = count === 1 ? await dir.getFileHandle(`${name}${PART}0`, { create: false }) : undefined;
  let staged = joined;
  if (!staged) {
    staged = await dir.getFileHandle(name + PART, { create: true });
    const w = await staged.createWritable();
    try {
      for (let k = 0; k < count; k++) await w.write((await fileIn(dir, `${name}${PART}${k}`))!);
      await w.close();
    } catch (err) {
      await w.abort().catch(() => undefined);
      throw err;
    }
  }
  await remove(dir, name);
  if (staged.move) await staged.move(name);
  else {
    // No rename in this browser: copy under the final name (a failure mid-copy aborts that write).
    const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await w.write(await staged.getFile());
    await w.close();
    await remove(dir, joined ? `${name}${PART}0` : name + PART);
  }
  for (let k = joined ? 1 : 0; k < count; k++) await remove(dir, `${name}${PART}${k}`);
  if (!joined) await remove(dir, name + PART);
}

/** Whether the final file is already there with exactly the share's bytes. */
async function alreadySaved(share: OpenShare, e: Entry, dir: DirHandle, name: string): Promise<boolean> {
  const f = await fileIn(dir, name);
  if (!f || f.size !== e.s) return false;
  const whole = { from: 0, to: (e.r ?? []).length, bytes: e.s };
  const h = await verifiedBlob(share, e, whole, f, blake3.create());
  return h !== undefined && (!e.h || equal(h.digest(), e.h));
}

/** Saves one file of the share as `name` in `dir`, reusing what an earlier try left there. */
export async function saveFileInto(
  share: OpenShare,
  e: Entry,
  dir: DirHandle,
  name: string,
  counts: SaveCounts,
  onBytes: (n: number) => void,
): Promise<void> {
  if (await alreadySaved(share, e, dir, name)) {
    counts.reused += e.s;
    onBytes(e.s);
    return;
  }
  const segs = segments(share, e);
  let h = blake3.create();
  for (let k = 0; k < segs.length; k++) {
    const partName = `${name}${PART}${k}`;
    const kept = await verifiedBlob(share, e, segs[k], await fileIn(dir, partName), h);
    if (kept) {
      h = kept;
      counts.reused += segs[k].bytes;
      onBytes(segs[k].bytes);
      continue;
    }
    const part = await dir.getFileHandle(partName, { create: true });
    await writeSegment(share, e, segs[k], part, h, (n) => {
      counts.fetched += n;
      onBytes(n);
    });
  }
  if (e.h && !equal(h.digest(), e.h)) {
    for (let k = 0; k < segs.length; k++) await remove(dir, `${name}${PART}${k}`);
    throw new ShareError('tampered', `${e.p} does not match its fingerprint. Nothing was saved under its name.`);
  }
  if (segs.length === 0) {
    await (await (await dir.getFileHandle(name, { create: true })).createWritable()).close();
    return;
  }
  await commit(dir, name, segs.length);
}

/** Every file of the share under `root`, folders created as needed. */
export async function saveAllInto(
  share: OpenShare,
  files: Entry[],
  root: DirHandle,
  onBytes: (n: number) => void,
): Promise<SaveCounts> {
  const counts: SaveCounts = { fetched: 0, reused: 0 };
  for (const e of files) {
    const parts = e.p.split('/');
    let dir = root;
    for (const d of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(d, { create: true });
    await saveFileInto(share, e, dir, parts[parts.length - 1], counts, onBytes);
  }
  return counts;
}
