/**
 * Measures the codec building blocks on this machine (`warp bench local`, `npm run bench:codec`):
 * single-thread MB/s (10^6 B/s) for FastCDC, BLAKE3, zstd and ChaCha20-Poly1305 on text-like and random data.
 */
import crypto from 'node:crypto';
import { NonceDomain, aead, makeNonce } from './aead.ts';
import { blake3 } from './blake3.ts';
import { compressChunk, decompressChunk } from './compress.ts';
import { DEFAULT_CHUNKER, FastCdc } from './fastcdc.ts';

export interface SpeedRow {
  name: string;
  data: 'text' | 'random';
  mbPerSecond: number;
  note?: string;
}

/** JSON/log-like text that zstd-1 compresses ~4-5x (deterministic). */
export function makeText(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  const words = [
    'alpha',
    'request',
    'served',
    'user',
    'cache',
    'miss',
    'ok',
    'error',
    'retry',
    'latency',
    'region',
    'eu-west',
    'checkout',
    'payment',
  ];
  let at = 0;
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
  while (at < bytes) {
    const line = `{"ts":${1700000000000 + at},"level":"${rnd() % 9 === 0 ? 'warn' : 'info'}","msg":"${words[rnd() % words.length]} ${words[rnd() % words.length]}","user":${rnd() % 5000},"ms":${rnd() % 900}}\n`;
    at += out.write(line, at);
  }
  return out;
}

function timeIt(bytes: number, minSeconds: number, fn: () => void): number {
  fn(); // warm up
  let runs = 0;
  const t0 = performance.now();
  let dt = 0;
  do {
    fn();
    runs++;
    dt = (performance.now() - t0) / 1000;
  } while (dt < minSeconds);
  return (bytes * runs) / dt / 1e6;
}

export function measureCodecSpeeds(opts: { sizeBytes?: number; minSeconds?: number } = {}): SpeedRow[] {
  const size = opts.sizeBytes ?? 64 * 1024 * 1024;
  const min = opts.minSeconds ?? 1;
  const rows: SpeedRow[] = [];
  const text = makeText(size);
  const random = crypto.randomBytes(size);
  const cdc = new FastCdc(DEFAULT_CHUNKER);
  const chunk = 1024 * 1024;
  const key = crypto.randomBytes(32);
  for (const [data, buf] of [
    ['text', text],
    ['random', random],
  ] as const) {
    rows.push({
      name: 'fastcdc',
      data,
      mbPerSecond: timeIt(size, min * 2, () => cdc.chunkLengths(buf)),
      note: 'avg 1 MiB',
    });
    rows.push({
      name: 'blake3',
      data,
      mbPerSecond: timeIt(size, min, () => {
        for (let o = 0; o < size; o += chunk) blake3(buf.subarray(o, o + chunk));
      }),
    });
    const compressed: ReturnType<typeof compressChunk>[] = [];
    rows.push({
      name: 'zstd-1 compress',
      data,
      mbPerSecond: timeIt(size, min, () => {
        compressed.length = 0;
        for (let o = 0; o < size; o += chunk) compressed.push(compressChunk(buf.subarray(o, o + chunk), 'fast'));
      }),
      note: data === 'random' ? 'skipped by entropy check' : undefined,
    });
    rows.push({
      name: 'zstd decompress',
      data,
      mbPerSecond: timeIt(size, min, () => {
        for (const c of compressed) decompressChunk(c.codec, c.data, chunk);
      }),
      note: data === 'random' ? 'stored raw: a length check' : undefined,
    });
    rows.push({
      name: `chacha20-poly1305 (${aead.name})`,
      data,
      mbPerSecond: timeIt(size, min, () => {
        for (let o = 0, i = 0; o < size; o += chunk, i++)
          aead.seal(key, makeNonce(NonceDomain.CHUNK, i), buf.subarray(o, o + chunk));
      }),
    });
  }
  return rows;
}
