/**
 * Transfer sessions, persisted in WARP_HOME/sessions/<id>.json so an interrupted `send` or `fetch` can be
 * listed and rerun (`warp resume`). The id is derived from both peers and both paths, so rerunning the same
 * command finds the same part files on the receiver. A session whose process died is "interrupted".
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { blake3 } from '../codec/blake3.ts';

export interface SessionRecord {
  id: string;
  kind: 'fetch' | 'send';
  /** The command's arguments, enough to run it again. */
  address: string;
  remotePath: string;
  localPath: string;
  transport?: string;
  status: 'running' | 'done' | 'failed';
  pid: number;
  startedAt: string;
  updatedAt: string;
  bytes?: number;
  error?: string;
}

export type SessionView = Omit<SessionRecord, 'status'> & { status: SessionRecord['status'] | 'interrupted' };

export function sessionId(...parts: string[]): string {
  return blake3(Buffer.from(parts.join('\0')))
    .toString('hex')
    .slice(0, 32);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class SessionStore {
  readonly dir: string;

  constructor(home: string) {
    this.dir = path.join(home, 'sessions');
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  save(r: SessionRecord): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const tmp = `${this.file(r.id)}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify({ ...r, updatedAt: new Date().toISOString() }, null, 2));
      fs.renameSync(tmp, this.file(r.id));
    } catch {
      /* bookkeeping only: a transfer never fails because its record could not be written */
    }
  }

  get(id: string): SessionView {
    const all = this.list({ all: true });
    const hits = all.filter((s) => s.id === id || s.id.startsWith(id));
    if (hits.length !== 1) {
      throw new WarpError(
        ErrorCodes.SESSION_NOT_FOUND,
        hits.length === 0
          ? `no session '${id}'; 'warp resume list' shows interrupted sessions`
          : `'${id}' matches ${hits.length} sessions; give more of the id`,
      );
    }
    return hits[0];
  }

  list(opts: { all?: boolean } = {}): SessionView[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const out: SessionView[] = [];
    for (const n of names) {
      try {
        const r = JSON.parse(fs.readFileSync(path.join(this.dir, n), 'utf8')) as SessionRecord;
        const status = r.status === 'running' && !alive(r.pid) ? 'interrupted' : r.status;
        if (opts.all || status !== 'done') out.push({ ...r, status });
      } catch {
        /* a torn record is skipped */
      }
    }
    return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  remove(id: string): void {
    fs.rmSync(this.file(id), { force: true });
  }
}
