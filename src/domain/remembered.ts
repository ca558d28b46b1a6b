// How much the server remembers of the credentials it has seen (secrets' hashes, matched keys, verified tokens): as
// many as there are clients in use at once, with room. At 1,000 the bench's scale run, 10,000 users' tokens in turn,
// verified nearly every token again (a quarter of the server's busy time) and did a fifth to a quarter fewer PATCHes;
// 10,000 entries of each kind are a few MB, and only while that many credentials are in use.
export const REMEMBERED = 10_000

/** Sets key in a map that keeps at most `capacity` entries, forgetting the oldest first. */
export function remember<K, V> (map: Map<K, V>, key: K, value: V, capacity = REMEMBERED): void {
  if (map.size >= capacity && !map.has(key)) map.delete(map.keys().next().value as K)
  map.set(key, value)
}
