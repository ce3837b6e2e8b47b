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
  /**
   * A reader's fill: caches the bodies not cached yet, each for the cache's time to live, and never replaces one that
   * is. A read that loaded a body just before an edit committed cannot put the old version back over the new one.
   */
  setMany(tweets: readonly Tweet[]): Promise<void>;
  /** A writer's copy: caches these bodies as they are now, replacing what was cached (after an edit). */
  put(tweets: readonly Tweet[]): Promise<void>;
  /** Forgets these tweets (after a delete, or any change to what the store holds). */
  invalidate(ids: readonly bigint[]): Promise<void>;
  /** Drops every cached body. */
  clear(): Promise<void>;
  close(): Promise<void>;
}
