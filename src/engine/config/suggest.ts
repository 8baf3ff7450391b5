/** "Did you mean …?" for mistyped section and key names. */

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The closest candidate when it is close enough to be a typo (at most a third of the name differs) or the name
 * is an abbreviation of exactly one candidate; else undefined.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const prefixed = candidates.filter((c) => lower.length >= 2 && c.toLowerCase().startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

export function didYouMean(name: string, candidates: readonly string[], wrap: (s: string) => string = (s) => s): string {
  const hit = closest(name, candidates);
  return hit === undefined ? '' : `; did you mean ${wrap(hit)}?`;
}
