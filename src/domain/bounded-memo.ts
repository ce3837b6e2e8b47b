/**
 * Values already worked out, at most `max` of them, the oldest put in going first: for memos on a hot path, where a
 * hit must cost no more than a Map lookup (an LRU moves the entry on every hit, which a profile of home reads showed
 * costing more than the misses its better choices saved). A Map iterates in insertion order, so the first key is the
 * oldest.
 */
export class BoundedMemo<K, V> {
  private readonly kept = new Map<K, V>();

  constructor(private readonly max: number) {}

  /** The value kept for `key`, or `make()`'s, kept from now on (unless it is undefined). */
  get(key: K, make: () => V): V {
    const found = this.kept.get(key);
    if (found !== undefined) return found;
    const made = make();
    if (made === undefined) return made;
    if (this.kept.size >= this.max) this.kept.delete(this.kept.keys().next().value as K);
    this.kept.set(key, made);
    return made;
  }

  get size(): number {
    return this.kept.size;
  }
}
