/**
 * Edit distance with transpositions counted as one edit (optimal string alignment), so `stauts`
 * is one step from `status` and `--scpoe` one from `--scope`.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest of `candidates` to what was typed, when it is close enough to be a typo: at most
 * two edits, and fewer than half the word (so `x` does not suggest `api`). Undefined otherwise.
 */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = typed.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= 2 && bestDistance * 2 < Math.max(typed.length, 2) ? best : undefined;
}

/** `; did you mean X?` when there is a close candidate, else nothing. */
export function didYouMean(typed: string, candidates: Iterable<string>, show: (name: string) => string = (name) => name): string {
  const match = closest(typed, candidates);
  return match === undefined ? '' : `; did you mean ${show(match)}?`;
}
