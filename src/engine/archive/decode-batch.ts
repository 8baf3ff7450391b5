/**
 * One decode task in the making: the stored units it reads (each read once, runs of neighbours in one
 * read), every chunk of those units (each checked against its id in the worker), the chunk bytes to hand
 * back in order, and the files the worker finishes itself. A unit is never split across tasks.
 */
import type { DecodeTask, WorkerFile } from '../codec/chunk-tasks.ts';
import type { ArchiveReader } from './reader.ts';

export class DecodeBatch {
  private readonly reader: ArchiveReader;
  private readonly slotOf = new Map<number, number>();
  /** Units in slot order, and the chunk slot each one's first chunk has. */
  readonly units: number[] = [];
  private readonly chunkBase: number[] = [];
  private chunkSlots = 0;
  private readonly out: number[] = [];
  readonly files: WorkerFile[] = [];
  storedBytes = 0;
  rawBytes = 0;

  constructor(reader: ArchiveReader) {
    this.reader = reader;
  }

  has(unit: number): boolean {
    return this.slotOf.has(unit);
  }

  get empty(): boolean {
    return this.units.length === 0;
  }

  addUnit(unit: number): void {
    if (this.slotOf.has(unit)) return;
    const t = this.reader.units;
    this.slotOf.set(unit, this.units.length);
    this.units.push(unit);
    this.chunkBase.push(this.chunkSlots);
    this.chunkSlots += t.endChunk(unit) - t.firstChunk(unit);
    this.storedBytes += t.storedSize(unit);
    this.rawBytes += t.rawSize(unit);
  }

  /** Appends chunk's bytes to the output (its unit must be added); returns its output position. */
  addOut(chunk: number): number {
    const t = this.reader.units;
    const u = t.unitOf(chunk);
    this.out.push(this.chunkBase[this.slotOf.get(u)!] + chunk - t.firstChunk(u));
    return this.out.length - 1;
  }

  /** The chunk slot behind output position `pos`. */
  slotOfOut(pos: number): number {
    return this.out[pos];
  }

  /** Reads the stored units and builds the task (the buffer is transferred to the worker). */
  task(key: Uint8Array | undefined, withOut: boolean): { task: DecodeTask; transfer: ArrayBuffer[] } {
    const r = this.reader;
    const t = r.units;
    const m = r.manifest;
    const src = new Uint8Array(this.storedBytes);
    const units = new Float64Array(this.units.length * 5);
    const chunks = new Float64Array(this.chunkSlots * 3);
    const ids = new Uint8Array(this.chunkSlots * 32);
    let at = 0;
    let runStart = 0;
    for (let s = 0; s < this.units.length; s++) {
      const u = this.units[s];
      units.set([at, t.storedSize(u), t.rawSize(u), t.codec(u), t.firstChunk(u)], s * 5);
      at += t.storedSize(u);
      // Neighbouring units (the usual case) are read in one call.
      const next = this.units[s + 1];
      if (next !== u + 1) {
        r.readUnits(this.units[runStart], u + 1, src, units[runStart * 5]);
        runStart = s + 1;
      }
      let k = this.chunkBase[s];
      for (let c = t.firstChunk(u); c < t.endChunk(u); c++, k++) {
        chunks[k * 3] = s;
        chunks[k * 3 + 1] = m.chunkRawSize(c);
        chunks[k * 3 + 2] = c;
        ids.set(m.chunkId(c), k * 32);
      }
    }
    const task: DecodeTask = {
      op: 'decode',
      src: src.buffer,
      units,
      chunks,
      ids,
      key,
      out: withOut ? Uint32Array.from(this.out) : undefined,
      files: this.files.length > 0 ? this.files : undefined,
    };
    return { task, transfer: [src.buffer] };
  }
}
