/**
 * `compute(key)`, kept in `memo` for the next time `key` comes. A full `memo` (`max` entries) is
 * emptied before it takes another: keys a client chooses cannot grow it, and the few that recur
 * are back after one miss each. For values worked out on a hot path (a Host verdict, a log field
 * name's JSON, a metric's series).
 */
export function remembered<K, V>(memo: Map<K, V>, key: K, max: number, compute: (key: K) => V): V {
  const known = memo.get(key);
  if (known !== undefined || memo.has(key)) return known as V;
  const value = compute(key);
  if (memo.size >= max) memo.clear();
  memo.set(key, value);
  return value;
}
