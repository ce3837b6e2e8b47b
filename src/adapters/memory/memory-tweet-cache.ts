import type { Tweet } from '../../domain/model.js';
import type { Clock } from '../../ports/clock.js';
import type { TweetCache } from '../../ports/tweet-cache.js';

export interface TweetCacheSettings {
  /** Bodies kept at most; past it the least recently used go first. */
  maxEntries: number;
  /** How long a body is kept after it was cached (reads do not extend it). */
  ttlMs: number;
}

export const DEFAULT_TWEET_CACHE_SETTINGS: TweetCacheSettings = { maxEntries: 100_000, ttlMs: 3_600_000 };

interface Cached {
  tweet: Tweet;
  expiresAt: number;
}

/**
 * The embedded tweet-body cache: a bounded map in this process, least recently used first out, with expiry on the
 * Clock port. Bodies are copied in and out, so callers that change a returned tweet do not change the cache — as with
 * Redis, where every read decodes afresh. The copy is by hand, field by field, not structuredClone: a warm page copies
 * fifty bodies, and a general clone of each was the largest cost of a read in this process's CPU profile.
 */
export class MemoryTweetCache implements TweetCache {
  /** A Map iterates in insertion order: re-inserting on use keeps the least recently used first. */
  private readonly bodies = new Map<bigint, Cached>();
  private readonly settings: TweetCacheSettings;

  constructor(
    settings: Partial<TweetCacheSettings>,
    private readonly clock: Clock,
  ) {
    this.settings = { ...DEFAULT_TWEET_CACHE_SETTINGS, ...settings };
  }

  /** The live entry for `id`, forgetting it if it expired. */
  private live(id: bigint): Cached | undefined {
    const cached = this.bodies.get(id);
    if (cached && cached.expiresAt <= this.clock.now()) {
      this.bodies.delete(id);
      return undefined;
    }
    return cached;
  }

  async getMany(ids: readonly bigint[]): Promise<Map<bigint, Tweet>> {
    const found = new Map<bigint, Tweet>();
    for (const id of ids) {
      const cached = this.live(id);
      if (!cached || found.has(id)) continue;
      this.bodies.delete(id);
      this.bodies.set(id, cached);
      found.set(id, copyOf(cached.tweet));
    }
    return found;
  }

  async setMany(tweets: readonly Tweet[]): Promise<void> {
    this.write(
      tweets.filter((tweet) => !this.live(tweet.id)),
      this.clock.now() + this.settings.ttlMs,
    );
  }

  async put(tweets: readonly Tweet[]): Promise<void> {
    this.write(tweets, this.clock.now() + this.settings.ttlMs);
  }

  private write(tweets: readonly Tweet[], expiresAt: number): void {
    for (const tweet of tweets) {
      this.bodies.delete(tweet.id);
      this.bodies.set(tweet.id, { tweet: copyOf(tweet), expiresAt });
    }
    for (const id of this.bodies.keys()) {
      if (this.bodies.size <= this.settings.maxEntries) break;
      this.bodies.delete(id);
    }
  }

  async invalidate(ids: readonly bigint[]): Promise<void> {
    for (const id of ids) this.bodies.delete(id);
  }

  /** Milliseconds before the body of `id` expires, or null if it is not cached (for operators and tests). */
  ttlRemaining(id: bigint): number | null {
    const cached = this.live(id);
    return cached ? cached.expiresAt - this.clock.now() : null;
  }

  async clear(): Promise<void> {
    this.bodies.clear();
  }

  async close(): Promise<void> {
    this.bodies.clear();
  }
}

/** A tweet that shares nothing mutable with `tweet` (ids and strings are immutable already). */
const copyOf = (tweet: Tweet): Tweet => ({
  ...tweet,
  createdAt: new Date(tweet.createdAt.getTime()),
  mentionIds: [...tweet.mentionIds],
  hashtags: [...tweet.hashtags],
  media: tweet.media.map((m) => ({ ...m, focus: { ...m.focus } })),
  editedAt: tweet.editedAt === null ? null : new Date(tweet.editedAt.getTime()),
});
