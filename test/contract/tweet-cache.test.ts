import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MemoryTweetCache } from '../../src/adapters/memory/memory-tweet-cache.js';
import { openRedis, type RedisClient } from '../../src/adapters/redis/redis-connection.js';
import { tweetBodyKey } from '../../src/adapters/redis/redis-keys.js';
import { RedisTimelineCache } from '../../src/adapters/redis/redis-timeline-cache.js';
import { RedisTweetCache } from '../../src/adapters/redis/redis-tweet-cache.js';
import { TestClock } from '../support/clock.js';
import { aTweet } from '../support/fixtures.js';
import { needs, serverUrl } from '../support/servers.js';
import { CONTRACT_TWEET_TTL_MS, tweetCacheContract } from './tweet-cache.contract.js';

const uniquePrefix = () => `test${process.env.VITEST_POOL_ID ?? 0}-${randomUUID().slice(0, 8)}`;
const tweet = (id: bigint) => aTweet(id);

tweetCacheContract('in-process', async () => {
  const clock = new TestClock();
  const cache = new MemoryTweetCache({ ttlMs: CONTRACT_TWEET_TTL_MS }, clock);
  return {
    cache,
    ttlRemaining: async (id) => cache.ttlRemaining(id),
    elapse: async (ms) => clock.advance(ms),
    close: () => cache.close(),
  };
});

describe('MemoryTweetCache', () => {
  it('holds at most maxEntries bodies, dropping the least recently used first', async () => {
    const cache = new MemoryTweetCache({ maxEntries: 3 }, new TestClock());
    await cache.setMany([tweet(1n), tweet(2n), tweet(3n)]);
    await cache.getMany([1n]);
    await cache.setMany([tweet(4n)]);
    const held = await cache.getMany([1n, 2n, 3n, 4n]);
    expect(new Set(held.keys())).toEqual(new Set([1n, 3n, 4n]));
  });
});

function redisSuite(name: string, open: () => RedisClient) {
  let redis: RedisClient | undefined;
  const client = () => {
    redis ??= open();
    return redis;
  };
  afterAll(async () => {
    await redis?.quit();
  });

  tweetCacheContract(name, async () => {
    const cache = new RedisTweetCache({
      redis: client(),
      prefix: uniquePrefix(),
      ttlMs: CONTRACT_TWEET_TTL_MS,
    });
    return { cache, ttlRemaining: (id) => cache.ttlRemaining(id), close: () => cache.clear() };
  });

  describe(`RedisTweetCache on ${name}`, () => {
    const ids = Array.from({ length: 200 }, (_, i) => (1n << 62n) + BigInt(i));

    it('reads a page in one round trip per node', async () => {
      const cache = new RedisTweetCache({ redis: client(), prefix: uniquePrefix() });
      await cache.setMany(ids.map(tweet));
      await client().ping();
      const cluster = client() instanceof Cluster ? (client() as Cluster) : null;
      const pipelines = vi.spyOn(client(), 'pipeline');
      const mgets = vi.spyOn(client(), 'mget');
      try {
        expect((await cache.getMany(ids)).size).toBe(ids.length);
        if (cluster) {
          expect(pipelines).toHaveBeenCalledTimes(cluster.nodes('master').length);
          expect(mgets).not.toHaveBeenCalled();
        } else {
          expect(mgets).toHaveBeenCalledTimes(1);
        }
      } finally {
        pipelines.mockRestore();
        mgets.mockRestore();
        await cache.clear();
      }
    });

    it('treats a body it cannot read, or one under another tweet’s key, as a miss', async () => {
      const prefix = uniquePrefix();
      const cache = new RedisTweetCache({ redis: client(), prefix });
      try {
        await client().set(tweetBodyKey(prefix, 1n), 'not json', 'PX', 60_000);
        await client().set(tweetBodyKey(prefix, 2n), JSON.stringify({ v: 99 }), 'PX', 60_000);
        await cache.setMany([tweet(3n)]);
        await client().set(
          tweetBodyKey(prefix, 4n),
          (await client().get(tweetBodyKey(prefix, 3n))) ?? '',
          'PX',
          60_000,
        );
        expect([...(await cache.getMany([1n, 2n, 3n, 4n])).keys()]).toEqual([3n]);
      } finally {
        await cache.clear();
      }
    });

    it('clears only its own bodies, not timelines or other caches sharing the namespace', async () => {
      const base = uniquePrefix();
      const cache = new RedisTweetCache({ redis: client(), prefix: base });
      const other = new RedisTweetCache({ redis: client(), prefix: `${base}:other` });
      const timelines = new RedisTimelineCache({
        redis: client(),
        prefix: base,
        maxEntries: 10,
        ttlMs: 60_000,
      });
      try {
        await cache.setMany(ids.map(tweet));
        await other.setMany([tweet(1n)]);
        await timelines.beginRebuild(5n);
        await timelines.completeRebuild(5n, [{ tweetId: 1n, authorId: 1n }], 0n);
        await cache.clear();
        expect((await cache.getMany(ids)).size).toBe(0);
        expect((await other.getMany([1n])).size).toBe(1);
        expect(await timelines.read(5n, { limit: 10 })).not.toBeNull();
      } finally {
        await Promise.all([cache.clear(), other.clear(), timelines.clear()]);
      }
    });

    it('answers ping', async () => {
      await new RedisTweetCache({ redis: client(), prefix: uniquePrefix() }).ping();
    });
  });
}

const standalone = serverUrl('redis');
describe('with Redis', needs('redis'), () => {
  redisSuite('Redis', () => openRedis({ url: standalone as string }));
});

const cluster = serverUrl('redisCluster');
describe('with a Redis Cluster', needs('redisCluster'), () => {
  redisSuite('Redis Cluster', () => openRedis({ clusterNodes: (cluster as string).split(',') }));
});
