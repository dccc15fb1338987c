// "Did you mean …?" for a misspelt name: the closest candidate by edit
// distance (adjacent swaps count one, as typing errors go), offered only when
// it is close enough to be a plausible typo rather than another word.

/** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[n]![m]!;
}

/** The candidate a typo most plausibly meant, or undefined. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(lower, c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  if (best === undefined) return undefined;
  // Up to a third of the word may be wrong (at least one edit), or the input is a clear prefix.
  const allowed = Math.max(1, Math.floor(Math.max(input.length, best.length) / 3));
  if (bestD <= allowed) return best;
  const prefix = candidates.filter((c) => c.toLowerCase().startsWith(lower));
  return input.length >= 3 && prefix.length === 1 ? prefix[0] : undefined;
}

/** "; did you mean X?" or "". */
export function didYouMean(input: string, candidates: readonly string[], render: (c: string) => string = (c) => c): string {
  const c = closest(input, candidates);
  return c === undefined || c === input ? '' : `; did you mean ${render(c)}?`;
}
