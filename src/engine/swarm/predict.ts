/**
 * Access patterns and predictions for pre-positioning. Every swarm download is logged in
 * WARP_HOME/swarm/access.json (content id, path, time). From the log:
 *  - repeat ("hot" trees): a tree fetched n times is likely fetched again (confidence grows with n);
 *  - time of day: fetches of the tree cluster around the current hour on several days;
 *  - sequential: sibling paths fetched in increasing order (…/day-06, …/day-07) make this one's
 *    successors likely; the tree just fetched is then the best hint of what the next one shares;
 *  - hot chunks: chunks seen in earlier downloads too (counts per chunk, bounded); a tree made mostly of them
 *    shares its content with what is fetched again and again, and pre-positioning sends the hottest first.
 * The prediction is the strongest of the signals, with its reason; pre-positioning acts above a threshold.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AccessRecord {
  contentId: string;
  path?: string;
  at: number;
}

export interface Prediction {
  confidence: number;
  reason: string;
}

const MAX_RECORDS = 2000;
/** Chunk counters kept (16-hex-digit prefixes of chunk ids); the least counted go first. */
const MAX_CHUNK_COUNTS = 50_000;

export class AccessLog {
  readonly file: string;
  records: AccessRecord[] = [];
  /** How many downloads fetched each chunk (key: the first 16 hex digits of its id). */
  chunks: Record<string, number> = {};

  constructor(home: string) {
    this.file = path.join(home, 'swarm', 'access.json');
    try {
      const d = JSON.parse(fs.readFileSync(this.file, 'utf8')) as {
        records?: AccessRecord[];
        chunks?: Record<string, number>;
      };
      this.records = (d.records ?? []).filter((r) => r && typeof r.contentId === 'string' && typeof r.at === 'number');
      if (d.chunks && typeof d.chunks === 'object') this.chunks = d.chunks;
    } catch {
      /* none yet */
    }
  }

  add(r: AccessRecord): void {
    this.records.push(r);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
  }

  /** Counts one download of these chunks; returns the share that earlier downloads had fetched already. */
  countChunks(keys: readonly string[]): number {
    let seen = 0;
    for (const k of keys) {
      const n = this.chunks[k] ?? 0;
      if (n > 0) seen++;
      this.chunks[k] = n + 1;
    }
    const all = Object.keys(this.chunks);
    if (all.length > MAX_CHUNK_COUNTS) {
      all.sort((a, b) => this.chunks[a] - this.chunks[b]);
      for (const k of all.slice(0, all.length - MAX_CHUNK_COUNTS)) delete this.chunks[k];
    }
    return keys.length > 0 ? seen / keys.length : 0;
  }

  heat(key: string): number {
    return this.chunks[key] ?? 0;
  }

  save(): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify({ version: 1, records: this.records, chunks: this.chunks }));
      fs.renameSync(tmp, this.file);
    } catch {
      /* bookkeeping only */
    }
  }
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * How likely the tree (content id / path) is fetched again, from the log (which includes this fetch);
 * `hotShare`: the share of its chunks earlier downloads fetched too.
 */
export function predictRefetch(
  log: readonly AccessRecord[],
  contentId: string,
  treePath: string | undefined,
  now: number,
  hotShare = 0,
): Prediction {
  const same = log.filter((r) => r.contentId === contentId || (treePath !== undefined && r.path === treePath));
  const out: Prediction[] = [{ confidence: 0, reason: 'no pattern' }];
  // Repeat: 1 fetch → 0, 2 → 0.5, 3 → 0.67, … (n − 1) / n.
  if (same.length >= 2)
    out.push({ confidence: (same.length - 1) / same.length, reason: `fetched ${same.length} times` });
  // Time of day: distinct days with a fetch within an hour of this time of day.
  const days = new Set(
    same
      .filter((r) => Math.abs(((((r.at - now) % DAY) + DAY + 12 * HOUR) % DAY) - 12 * HOUR) <= HOUR)
      .map((r) => Math.floor(r.at / DAY)),
  );
  if (days.size >= 2)
    out.push({
      confidence: Math.min(0.95, days.size / (days.size + 1)),
      reason: `fetched around this time on ${days.size} days`,
    });
  // Sequential siblings: …/name-N fetched for increasing N.
  const seq = treePath ? /^(.*?)(\d+)$/.exec(treePath) : null;
  if (seq) {
    const nums = log
      .filter((r) => r.path?.startsWith(seq[1]) && /^\d+$/.test(r.path.slice(seq[1].length)))
      .map((r) => Number(r.path!.slice(seq[1].length)));
    const increasing = nums.length >= 2 && nums.every((n, i) => i === 0 || n >= nums[i - 1]);
    if (increasing)
      out.push({
        confidence: Math.min(0.9, (nums.length - 1) / nums.length),
        reason: `sequential: ${seq[1]}${nums.join(', ')}`,
      });
  }
  if (hotShare >= 0.5)
    out.push({
      confidence: Math.min(0.9, hotShare),
      reason: `hot chunks: ${Math.round(hotShare * 100)} % fetched before`,
    });
  return out.reduce((a, b) => (b.confidence > a.confidence ? b : a));
}
