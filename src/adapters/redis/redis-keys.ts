import calculateSlot from 'cluster-key-slot';

/**
 * Every key the Redis caches write, by shape. The prefix (`<namespace>:<kind>`) is spelled out in each key rather
 * than set as an ioredis `keyPrefix`, because Lua scripts receive their keys exactly as given.
 *
 * A reader's timeline keys share the hash tag `{u:<id>}`, so Redis Cluster keeps them in one slot and one script can
 * touch them together. A tweet body has no tag: it is read alone, and pages of bodies are batched per node.
 */
export type TimelineEntriesKey = `${string}:{u:${bigint}}:list`;
export type TimelineMetaKey = `${string}:{u:${bigint}}:state`;
export type TimelinePulledKey = `${string}:{u:${bigint}}:pulled`;
export type TimelineKeptOutKey = `${string}:{u:${bigint}}:out`;
export type TweetBodyKey = `${string}:tweet:${bigint}`;
/** One shard of the readers who have (or may have) a timeline under a prefix: a sorted set, see activeReadersKey. */
export type ActiveReadersKey = `${string}:active:{a:${number}}`;

export interface TimelineKeys {
  /**
   * List of `tweet id, author id` pairs, newest first (see timeline-scripts.ts). Named apart from the sorted sets of
   * earlier versions (`…:entries`, `…:meta`), which are never read again and expire on their own.
   */
  entries: TimelineEntriesKey;
  /** Hash of `floor` and `complete`; its existence and expiry are the timeline's. */
  meta: TimelineMetaKey;
  /** Set of the authors the reader pulls at read time; absent when empty, expires with the timeline. */
  pulled: TimelinePulledKey;
  /** Hash of the authors kept out after an unfollow; on its own expiry, timeline or not. */
  keptOut: TimelineKeptOutKey;
}

/**
 * Letters, digits and `_ - . :` only: a `{` would become the hash tag of every key (one slot for all), and glob
 * characters would make `clear()`'s SCAN pattern match other caches' keys.
 */
export function checkPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(prefix)) {
    throw new Error(`Redis key prefix must be 1-100 letters, digits, "_", "-", "." or ":", not "${prefix}"`);
  }
  return prefix;
}

export const timelineKeys = (prefix: string, userId: bigint): TimelineKeys => ({
  entries: `${prefix}:{u:${userId}}:list`,
  meta: `${prefix}:{u:${userId}}:state`,
  pulled: `${prefix}:{u:${userId}}:pulled`,
  keptOut: `${prefix}:{u:${userId}}:out`,
});

/**
 * Shards of the active-reader index. A fanout page asks each shard once (ZMSCORE with that shard's readers), so a page
 * costs at most this many commands whatever its size, spread over the nodes that own the shards — one round trip per
 * node. Sixteen shards spread over a few masters evenly; a larger cluster would want more.
 */
export const ACTIVE_SHARDS = 16;

/** A reader's shard: from the slot of the reader's hash tag, so the same reader always lands in the same shard. */
export const activeShardOf = (userId: bigint): number => calculateSlot(`{u:${userId}}`) % ACTIVE_SHARDS;

export const activeReadersKey = (prefix: string, shard: number): ActiveReadersKey =>
  `${prefix}:active:{a:${shard}}`;

export const tweetBodyKey = (prefix: string, tweetId: bigint): TweetBodyKey => `${prefix}:tweet:${tweetId}`;

/** SCAN patterns matching exactly one cache's keys (a prefix is free of glob characters, see checkPrefix). */
export const timelinePattern = (prefix: string) => `${prefix}:{u:*}:*`;
export const activeReadersPattern = (prefix: string) => `${prefix}:active:{a:*}`;
export const tweetBodyPattern = (prefix: string) => `${prefix}:tweet:*`;
