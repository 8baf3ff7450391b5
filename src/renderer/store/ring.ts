/** Append to a bounded history without mutating the old array (React sees a new reference). */
export function appendCapped<T>(list: readonly T[], items: readonly T[], cap: number): T[] {
  const out = list.length + items.length > cap ? list.slice(list.length + items.length - cap) : list.slice();
  for (const it of items) out.push(it);
  return out.length > cap ? out.slice(out.length - cap) : out;
}
