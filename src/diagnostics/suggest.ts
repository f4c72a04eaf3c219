/** "Did you mean" suggestions by edit distance. */

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbours
 * (`prot` → `port` is one edit); a difference of case only costs half.
 */
export function editDistance(a: string, b: string): number {
  const cost = (i: number, j: number): number =>
    a[i - 1] === b[j - 1] ? 0 : a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0.5 : 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost(i, j));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] && a[i - 1] !== a[i - 2])
        d = Math.min(d, before[j - 2]! + 1);
      current.push(d);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** The closest candidate within a distance that grows with the name's length, if any. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = editDistance(name, candidate);
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Adds `suggestion` to diagnostic params only when there is one. */
export function withSuggestion<P extends object>(
  params: P,
  name: string,
  candidates: Iterable<string>,
): P & { suggestion?: string } {
  const suggestion = suggest(name, candidates);
  return suggestion ? { ...params, suggestion } : params;
}
