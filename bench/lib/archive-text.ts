/**
 * Realistic machine text for the archive benchmark: JSON access logs, application logs and CSV metrics, the bulk
 * of what people archive. Fields are drawn from a seeded Rng so the text is not trivially repetitive (IDs, trace
 * ids, latencies, byte counts vary per line) and compresses like real logs: roughly 4-5x with zstd -1.
 */
import type { Rng } from './archive-prng.ts';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

const SERVICES = [
  'api-gateway',
  'auth',
  'billing',
  'catalog',
  'checkout',
  'inventory',
  'notifier',
  'orders',
  'search',
  'shipping',
  'users',
  'reports',
];
const LEVELS = ['info', 'info', 'info', 'info', 'info', 'debug', 'debug', 'warn', 'error'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH'];
const RESOURCES = [
  'users',
  'orders',
  'items',
  'carts',
  'invoices',
  'sessions',
  'products',
  'reviews',
  'payments',
  'addresses',
  'tokens',
  'reports',
];
const STATUSES = [200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 404, 409, 429, 500, 502, 503];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Safari/605.1.15',
  'curl/8.5.0',
  'okhttp/4.12.0',
  'python-requests/2.31.0',
  'Go-http-client/2.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X)',
];
const CLASSES = [
  'OrderService',
  'PaymentProcessor',
  'InventoryCache',
  'SessionManager',
  'ReportBuilder',
  'MailDispatcher',
  'SearchIndexer',
  'RateLimiter',
  'ConnectionPool',
  'SchedulerLoop',
];
const THREADS = ['main', 'worker-1', 'worker-2', 'worker-3', 'worker-4', 'io-0', 'io-1', 'scheduler', 'gc-watch'];
const VERBS = [
  'processed',
  'rejected',
  'retried',
  'queued',
  'loaded',
  'evicted',
  'flushed',
  'validated',
  'merged',
  'skipped',
  'expired',
  'committed',
];
const NOUNS = [
  'order',
  'payment',
  'batch',
  'record',
  'session',
  'segment',
  'snapshot',
  'request',
  'message',
  'ticket',
  'shipment',
  'invoice',
];
const REASONS = [
  'timeout after retry',
  'stale cache entry',
  'checksum mismatch',
  'quota exceeded',
  'upstream unavailable',
  'duplicate key',
  'lock contention',
  'schema version drift',
  'client closed connection',
  'ok',
];
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-south-1', 'sa-east-1'];
const METRICS = [
  'cpu_user',
  'cpu_sys',
  'mem_rss',
  'disk_read',
  'disk_write',
  'net_rx',
  'net_tx',
  'open_fds',
  'gc_pause',
  'queue_depth',
];

const PIECE = 256 * 1024;

export type TextStyle = 'json' | 'applog' | 'csv';
export const TEXT_STYLES: readonly TextStyle[] = ['json', 'applog', 'csv'];

/** A text stream: clock and counters continue across blocks so one file reads as one coherent log. */
export class TextGen {
  private readonly rng: Rng;
  private readonly style: TextStyle;
  private ms: number;
  private sec = -1;
  private secPrefix = '';
  private seq: number;
  private readonly host: string;

  constructor(rng: Rng, style: TextStyle) {
    this.rng = rng;
    this.style = style;
    // Start somewhere in 2024 (day granularity) so files do not share identical timestamp prefixes.
    this.ms = Date.UTC(2024, 0, 1) + rng.int(0, 364) * 86_400_000 + rng.int(0, 86_399_999);
    this.seq = rng.int(1_000_000, 9_000_000);
    this.host = `${rng.pick(['web', 'app', 'db', 'cache', 'batch'])}-${PAD2[rng.int(0, 99)]}`;
  }

  /** `2024-05-17T08:31:02.417Z` without Date#toISOString per line (it is the slowest part otherwise). */
  private stamp(): string {
    const s = Math.floor(this.ms / 1000);
    if (s !== this.sec) {
      this.sec = s;
      this.secPrefix = new Date(s * 1000).toISOString().slice(0, 20);
    }
    return `${this.secPrefix}${PAD3[this.ms % 1000]}Z`;
  }

  private traceId(): string {
    const a = this.rng.u32();
    const b = this.rng.u32();
    return (
      HEX[a & 255] +
      HEX[(a >>> 8) & 255] +
      HEX[(a >>> 16) & 255] +
      HEX[a >>> 24] +
      HEX[b & 255] +
      HEX[(b >>> 8) & 255] +
      HEX[(b >>> 16) & 255] +
      HEX[b >>> 24]
    );
  }

  private line(): string {
    const r = this.rng;
    this.ms += r.int(0, 40);
    this.seq++;
    if (this.style === 'json') {
      const res = r.pick(RESOURCES);
      const id = r.logInt(1, 2_000_000);
      const status = r.pick(STATUSES);
      return `{"ts":"${this.stamp()}","level":"${r.pick(LEVELS)}","service":"${r.pick(SERVICES)}","host":"${this.host}","region":"${r.pick(REGIONS)}","trace_id":"${this.traceId()}","span_id":"${this.traceId()}","client_ip":"${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}","user_id":${r.logInt(1, 5_000_000)},"method":"${r.pick(METHODS)}","path":"/api/v${r.int(1, 3)}/${res}/${id}","status":${status},"duration_ms":${(r.logInt(1, 50_000) / 10).toFixed(1)},"bytes":${r.logInt(0, 500_000)},"user_agent":"${r.pick(AGENTS)}","seq":${this.seq}}\n`;
    }
    if (this.style === 'applog') {
      const lvl = r.pick(LEVELS).toUpperCase().padEnd(5);
      const reason = r.pick(REASONS);
      return `${this.stamp()} ${lvl} [${r.pick(THREADS)}] com.example.${r.pick(CLASSES)} req=${HEX[r.u32() & 255]}${HEX[r.u32() & 255]}${HEX[r.u32() & 255]} - ${r.pick(VERBS)} ${r.pick(NOUNS)} ${r.logInt(1, 90_000_000)} for customer ${r.logInt(1, 500_000)} in ${r.logInt(1, 5_000)} ms${reason === 'ok' ? '' : ` (${reason})`}\n`;
    }
    return `${this.stamp()},${this.host},${r.pick(METRICS)},${(r.float() * 100).toFixed(3)},${r.logInt(0, 1_000_000)},${r.int(0, 64)}\n`;
  }

  /** At least `minBytes` of whole lines, encoded as latin1 (the text is ASCII). */
  block(minBytes: number): Buffer {
    if (minBytes <= PIECE) return this.piece(minBytes);
    // Joining multi-megabyte strings is several times slower in V8 than joining 256 KiB ones and copying bytes.
    const pieces: Buffer[] = [];
    let n = 0;
    while (n < minBytes) {
      const p = this.piece(Math.min(PIECE, minBytes - n));
      pieces.push(p);
      n += p.length;
    }
    return Buffer.concat(pieces, n);
  }

  private piece(minBytes: number): Buffer {
    const parts: string[] = [];
    let n = 0;
    while (n < minBytes) {
      const l = this.line();
      parts.push(l);
      n += l.length;
    }
    return Buffer.from(parts.join(''), 'latin1');
  }
}
