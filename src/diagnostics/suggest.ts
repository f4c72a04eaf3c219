/** "Did you mean" suggestions by edit distance. */

/** Levenshtein distance, case-insensitive on the first pass of comparison. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? (a[i - 1] === b[j - 1] ? 0 : 0.5) : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
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
