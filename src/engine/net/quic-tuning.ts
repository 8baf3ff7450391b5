/**
 * The QUIC transport's JS wrapper reads each stream 4 KiB at a time (one native promise per 4 KiB: ~50k
 * round trips per second at 200 MB/s). The native read returns whatever is available up to the size asked,
 * so asking for more per call is safe; this raises it. Measured in bench/transfer.ts (BENCHMARKS.md).
 * Best effort: on a platform whose addon cannot be located the default stays.
 */
import { createRequire } from 'node:module';

export const QUIC_READ_BYTES = 256 * 1024;
let done = false;

export function tuneQuicReads(bytes = QUIC_READ_BYTES): boolean {
  if (done) return true;
  const proto = nativeStreamPrototype();
  const orig = proto?.read;
  if (!proto || typeof orig !== 'function') return false;
  proto.read = function (this: unknown, n: number): unknown {
    return orig.call(this, Math.max(n, bytes));
  };
  done = true;
  return true;
}

/** The QUIC addon's native stream class (what the JS wrapper calls `read` on), or undefined where it is not found. */
export function nativeStreamPrototype(): { read?: (n: number) => unknown } | undefined {
  const require = createRequire(import.meta.url);
  const suffix =
    process.platform === 'linux'
      ? `${process.platform}-${process.arch}-gnu`
      : process.platform === 'win32'
        ? `${process.platform}-${process.arch}-msvc`
        : `${process.platform}-${process.arch}`;
  let binding: { Stream?: { prototype: { read?: (n: number) => unknown } } } | undefined;
  for (const name of [
    `@chainsafe/libp2p-quic-${suffix}`,
    `@chainsafe/libp2p-quic-${process.platform}-${process.arch}-musl`,
  ]) {
    try {
      binding = require(name) as typeof binding;
      break;
    } catch {
      /* try the next */
    }
  }
  return binding?.Stream?.prototype;
}
