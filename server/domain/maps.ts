/**
 * Get-or-make for the nested maps the fold and the scoring context index by. No closure per
 * call (each runs once per action of a log that may be 100,000 long).
 */

interface Keyed<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

/** The map under `key`, made empty on first use. */
export function mapIn<K, K2, V>(map: Keyed<K, Map<K2, V>>, key: K): Map<K2, V> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

/** The list under `key`, made empty on first use. */
export function listIn<K, V>(map: Keyed<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

/** The set under `key`, made empty on first use. */
export function setIn<K, V>(map: Keyed<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
