import { describe, expect, it } from 'vitest';
import { PROBE_BYTES, PROBE_EVERY, WirePolicy } from '../../src/engine/transfer/wire-policy.ts';

const CHUNK = 64 * 1024;
/** The server's loop with fed measurements: msPerByte of the link and the compressor, and the data's ratio. */
function serve(p: WirePolicy, bytes: number, link: number, comp: number, ratio: number): { raw: number; zstd: number } {
  const n = { raw: 0, zstd: 0 };
  for (let done = 0; done < bytes; done += CHUNK) {
    let wire = CHUNK;
    if (p.compressNext()) {
      wire = Math.round(CHUNK * ratio);
      p.compressed(CHUNK, wire, CHUNK * comp);
      n.zstd += CHUNK;
    } else n.raw += CHUNK;
    p.sent(wire, wire * link, CHUNK);
  }
  return n;
}

const MB = 1e6;
const ms = (bytesPerSec: number) => 1000 / bytesPerSec;

describe('WirePolicy', () => {
  it('sends raw on a link faster than the compressor (loopback), after the first probe', () => {
    const p = new WirePolicy('auto');
    const n = serve(p, 64 * MB, ms(3000 * MB), ms(400 * MB), 0.3);
    expect(p.compressNext()).toBe(false);
    expect(n.zstd).toBeLessThanOrEqual(PROBE_BYTES * 3);
  });

  it('compresses compressible data on a link slower than the compressor', () => {
    const p = new WirePolicy('auto');
    const n = serve(p, 64 * MB, ms(2 * MB), ms(400 * MB), 0.3);
    expect(p.compressNext()).toBe(true);
    expect(n.raw).toBe(0);
    expect(p.estimate().ratio).toBeCloseTo(0.3, 2);
  });

  it('sends incompressible data raw even on a slow link', () => {
    const p = new WirePolicy('auto');
    const n = serve(p, 64 * MB, ms(2 * MB), ms(400 * MB), 1);
    expect(p.compressNext()).toBe(false);
    expect(n.raw).toBeGreaterThan(n.zstd * 10);
  });

  it('does not compress when the compressor is the slower one', () => {
    const p = new WirePolicy('auto');
    serve(p, 16 * MB, ms(100 * MB), ms(80 * MB), 0.5);
    expect(p.compressNext()).toBe(false);
  });

  it('follows the link: fast → raw, slowed → zstd, fast again → raw', () => {
    const p = new WirePolicy('auto');
    serve(p, 64 * MB, ms(3000 * MB), ms(400 * MB), 0.3);
    expect(p.compressNext()).toBe(false);
    serve(p, 64 * MB, ms(2 * MB), ms(400 * MB), 0.3);
    expect(p.compressNext()).toBe(true);
    const n = serve(p, 128 * MB, ms(3000 * MB), ms(400 * MB), 0.3);
    expect(p.compressNext()).toBe(false);
    expect(n.raw).toBeGreaterThan(n.zstd);
  });

  it('re-probes while raw, so data that became compressible is noticed on a slow link', () => {
    const p = new WirePolicy('auto');
    serve(p, 16 * MB, ms(2 * MB), ms(400 * MB), 1);
    expect(p.compressNext()).toBe(false);
    serve(p, PROBE_EVERY * 3, ms(2 * MB), ms(400 * MB), 0.2);
    expect(p.compressNext()).toBe(true);
  });

  it("obeys 'on' and 'off' whatever it measures", () => {
    const on = new WirePolicy('on');
    const off = new WirePolicy('off');
    expect(serve(on, 8 * MB, ms(3000 * MB), ms(100 * MB), 1).raw).toBe(0);
    expect(serve(off, 8 * MB, ms(1 * MB), ms(400 * MB), 0.1).zstd).toBe(0);
  });
});
