/** Growing typed arrays over a caller-chosen buffer kind (ArrayBuffer, or SharedArrayBuffer for workers). */
export type Allocate = (byteLength: number) => ArrayBufferLike;

function grow<T extends { length: number; set(a: ArrayLike<number>): void }>(
  old: T | undefined,
  n: number,
  allocate: Allocate,
  bytes: number,
  make: (b: ArrayBufferLike, n: number) => T,
): T {
  // Round byte length up to 4 so every array can also be viewed as u32 words (the GPU upload does that).
  const out = make(allocate(Math.ceil((n * bytes) / 4) * 4), n);
  if (old) out.set(old as unknown as ArrayLike<number>);
  return out;
}

export const growU8 = (o: Uint8Array | undefined, n: number, a: Allocate): Uint8Array =>
  grow(o, n, a, 1, (b, len) => new Uint8Array(b, 0, len));
export const growU16 = (o: Uint16Array | undefined, n: number, a: Allocate): Uint16Array =>
  grow(o, n, a, 2, (b, len) => new Uint16Array(b, 0, len));
export const growU32 = (o: Uint32Array | undefined, n: number, a: Allocate): Uint32Array =>
  grow(o, n, a, 4, (b, len) => new Uint32Array(b, 0, len));
export const growF32 = (o: Float32Array | undefined, n: number, a: Allocate): Float32Array =>
  grow(o, n, a, 4, (b, len) => new Float32Array(b, 0, len));
export const growF64 = (o: Float64Array | undefined, n: number, a: Allocate): Float64Array =>
  grow(o, n, a, 8, (b, len) => new Float64Array(b, 0, len));
