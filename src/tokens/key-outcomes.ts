/** What happened to one key during a bulk operation over a store (copy, re-encryption). */
export interface KeyOutcome<Outcome extends string> {
  key: string;
  outcome: Outcome;
  /** Why it failed (outcome `failed`); never holds a token. */
  error?: unknown;
}

/** The result of a bulk operation: every key's outcome, in order, and how many had each. */
export interface KeyOutcomes<Outcome extends string> {
  results: Array<KeyOutcome<Outcome>>;
  counts: Record<Outcome, number>;
}

/**
 * Runs `step` for every key in turn, one at a time (each step holds a lock), and collects the
 * outcomes. A key that fails is reported and the others still run: one bad record must not stop
 * a migration halfway without saying which keys were done.
 */
export async function forEachKey<Outcome extends string>(
  keys: readonly string[],
  outcomes: readonly Outcome[],
  step: (key: string) => Promise<Exclude<Outcome, 'failed'>>,
  onResult?: (result: KeyOutcome<Outcome | 'failed'>) => void,
): Promise<KeyOutcomes<Outcome | 'failed'>> {
  const counts = Object.fromEntries([...outcomes, 'failed'].map((outcome) => [outcome, 0])) as Record<Outcome | 'failed', number>;
  const results: Array<KeyOutcome<Outcome | 'failed'>> = [];
  for (const key of keys) {
    let result: KeyOutcome<Outcome | 'failed'>;
    try {
      result = { key, outcome: await step(key) };
    } catch (error) {
      result = { key, outcome: 'failed', error };
    }
    counts[result.outcome]++;
    results.push(result);
    onResult?.(result);
  }
  return { results, counts };
}
