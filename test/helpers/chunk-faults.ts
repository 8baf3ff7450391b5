/**
 * Preloaded into real `warp` processes by tests (`node --import`, through `faultEnv` in fault-env.ts): sets the
 * chunk server's fault hook (transfer/serve.ts `CHUNK_FAULT_HOOK`), which production processes never have.
 * WARP_FAULT_CORRUPT_CHUNKS=N flips a byte of each of the first N chunks served (the receiver must reject them
 * and fetch them again); WARP_FAULT_CHUNK_DELAY_MS=M holds each chunk M ms (a slow sender, so a test can act
 * mid-transfer).
 */
let corrupt = Number(process.env.WARP_FAULT_CORRUPT_CHUNKS ?? 0);
const delayMs = Number(process.env.WARP_FAULT_CHUNK_DELAY_MS ?? 0);

(globalThis as Record<symbol, unknown>)[Symbol.for('warp.test.chunkFaults')] = async (
  payload: Uint8Array,
): Promise<Uint8Array> => {
  let out = payload;
  if (corrupt > 0) {
    corrupt--;
    out = Buffer.from(payload);
    out[out.length >> 1] ^= 0x5a;
  }
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  return out;
};
