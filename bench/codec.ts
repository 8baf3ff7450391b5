/**
 * `npm run bench:codec`: single-thread speeds of the codec building blocks (FastCDC, BLAKE3, zstd,
 * ChaCha20-Poly1305) on text-like and random data. The same measurement as `warp bench local`.
 */
import { measureCodecSpeeds } from '../src/engine/codec/speed.ts';

const json = process.argv.includes('--json');
const rows = measureCodecSpeeds({ sizeBytes: 128 * 1024 * 1024, minSeconds: 2 });
if (json) console.log(JSON.stringify(rows));
else {
  console.log(`${'operation'.padEnd(36)} ${'data'.padEnd(7)} ${'MB/s'.padStart(8)}`);
  for (const r of rows)
    console.log(
      `${r.name.padEnd(36)} ${r.data.padEnd(7)} ${r.mbPerSecond.toFixed(0).padStart(8)}${r.note ? `  (${r.note})` : ''}`,
    );
}
