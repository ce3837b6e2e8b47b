import { Cluster } from 'ioredis';
import type { Tweet } from '../../domain/model.js';
import type { TweetCache } from '../../ports/tweet-cache.js';
import {
  DEFAULT_OPERATION_TIMEOUT_MS,
  DEFAULT_REDIS_TIMEOUT_MS,
  pingRedis,
  type RedisClient,
  withDeadline,
} from './redis-connection.js';
import { checkPrefix, type TweetBodyKey, tweetBodyKey, tweetBodyPattern } from './redis-keys.js';
import { pipelinePerNode, unlinkMatching } from './redis-nodes.js';
import { decodeTweet, encodeTweet } from './tweet-codec.js';

export interface RedisTweetCacheOptions {
  /** A connection from `openRedis`, standalone or cluster. */
  redis: RedisClient;
  /** Starts every key, e.g. the namespace `starling` (keys are `<prefix>:tweet:<id>`; see checkPrefix). */
  prefix: string;
  /** How long a body is kept after it was cached, in ms (default one hour); reads do not extend it. */
  ttlMs?: number;
  /** Quit the connection on close() (default false: a shared connection is closed by whoever opened it). */
  ownsConnection?: boolean;
  /** Longest any one operation (a whole batch included) may take before it fails, in ms (default 2,000). */
  timeoutMs?: number;
}

export const DEFAULT_TWEET_TTL_MS = 3_600_000;

/**
 * Tweet bodies in Redis, one string key per tweet with its own expiry. A page of bodies is one MGET on a standalone
 * server and one pipeline of GETs per node in a cluster (MGET cannot span slots), all nodes at once.
 */
export class RedisTweetCache implements TweetCache {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: RedisTweetCacheOptions) {
    this.prefix = checkPrefix(options.prefix);
    this.ttlMs = options.ttlMs ?? DEFAULT_TWEET_TTL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  }

  private key = (id: bigint): TweetBodyKey => tweetBodyKey(this.prefix, id);

  private bounded<T>(work: Promise<T>, what: string): Promise<T> {
    return withDeadline(work, this.timeoutMs, `tweet cache ${what}`);
  }

  async getMany(ids: readonly bigint[]): Promise<Map<bigint, Tweet>> {
    const unique = [...new Set(ids)];
    const found = new Map<bigint, Tweet>();
    if (unique.length === 0) return found;
    const { redis } = this.options;
    const replies =
      redis instanceof Cluster
        ? await this.bounded(
            pipelinePerNode(redis, unique, { key: this.key, add: (p, id) => p.get(this.key(id)) }),
            'getMany',
          )
        : await this.bounded(redis.mget(unique.map(this.key)), 'getMany');
    unique.forEach((id, i) => {
      const raw = replies[i];
      const tweet = typeof raw === 'string' ? decodeTweet(raw) : null;
      // A body under the wrong key would be someone else's tweet; treat it as a miss.
      if (tweet && tweet.id === id) found.set(id, tweet);
    });
    return found;
  }

  setMany(tweets: readonly Tweet[]): Promise<void> {
    return this.write(tweets, 'setMany', true);
  }

  put(tweets: readonly Tweet[]): Promise<void> {
    return this.write(tweets, 'put', false);
  }

  /** SET NX for a reader's fill (never over a cached body), plain SET for a writer's copy. */
  private async write(tweets: readonly Tweet[], what: string, onlyNew: boolean): Promise<void> {
    if (tweets.length === 0) return;
    await this.bounded(
      pipelinePerNode(this.options.redis, tweets, {
        key: (tweet) => this.key(tweet.id),
        add: (p, tweet) =>
          onlyNew
            ? p.set(this.key(tweet.id), encodeTweet(tweet), 'PX', this.ttlMs, 'NX')
            : p.set(this.key(tweet.id), encodeTweet(tweet), 'PX', this.ttlMs),
      }),
      what,
    );
  }

  async invalidate(ids: readonly bigint[]): Promise<void> {
    if (ids.length === 0) return;
    await this.bounded(
      pipelinePerNode(this.options.redis, [...new Set(ids)], {
        key: this.key,
        add: (p, id) => p.unlink(this.key(id)),
      }),
      'invalidate',
    );
  }

  /** Milliseconds before the body of `id` expires, or null if it is not cached (for operators and tests). */
  async ttlRemaining(id: bigint): Promise<number | null> {
    const ttl = await this.bounded(this.options.redis.pttl(this.key(id)), 'ttlRemaining');
    return ttl < 0 ? null : ttl;
  }

  /** Deletes this cache's bodies (only keys under its prefix) on every node; not bounded, it walks the keyspace. */
  async clear(): Promise<void> {
    await unlinkMatching(this.options.redis, tweetBodyPattern(this.prefix));
  }

  /** Resolves if Redis (every master of a cluster) answers within `timeoutMs` (default 1 s); for readiness probes. */
  ping(timeoutMs = Math.min(this.timeoutMs, DEFAULT_REDIS_TIMEOUT_MS)): Promise<void> {
    return pingRedis(this.options.redis, timeoutMs);
  }

  async close(): Promise<void> {
    if (!this.options.ownsConnection) return;
    const { redis } = this.options;
    await redis.quit().catch(() => redis.disconnect());
  }
}
