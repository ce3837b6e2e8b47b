import type { Tweet } from '../domain/model.js';

/**
 * Tweet bodies kept in front of the tweet store for hydration. A copy of the source of truth, never the truth:
 * entries expire on their own (an hour by default), writers invalidate what they change, and a failing cache only
 * means the store is asked instead. Every field comes back exactly as it was stored (64-bit ids, millisecond times).
 */
export interface TweetCache {
  /**
   * The cached bodies among `ids` (absent ids were not cached, or expired). One round trip for a page of ids (one per
   * node in a cluster). Each call returns fresh objects: changing them does not change the cache.
   */
  getMany(ids: readonly bigint[]): Promise<Map<bigint, Tweet>>;
  /** Caches these bodies, replacing any cached before, each for the cache's time to live. */
  setMany(tweets: readonly Tweet[]): Promise<void>;
  /** Forgets these tweets (after a delete, or any change to what the store holds). */
  invalidate(ids: readonly bigint[]): Promise<void>;
  /** Drops every cached body. */
  clear(): Promise<void>;
  close(): Promise<void>;
}
