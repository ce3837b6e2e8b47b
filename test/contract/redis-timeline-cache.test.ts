import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openRedis, type RedisClient, RedisTimeoutError } from '../../src/adapters/redis/redis-connection.js';
import { timelineKeys } from '../../src/adapters/redis/redis-keys.js';
import { RedisTimelineCache } from '../../src/adapters/redis/redis-timeline-cache.js';
import { RedisTweetCache } from '../../src/adapters/redis/redis-tweet-cache.js';
import { aTweet } from '../support/fixtures.js';
import { redisCommandsDuring } from '../support/redis-commands.js';
import { needs, serverUrl } from '../support/servers.js';
import { CONTRACT_CACHE_SETTINGS, timelineCacheContract } from './timeline-cache.contract.js';

const uniquePrefix = () => `test${process.env.VITEST_POOL_ID ?? 0}-${randomUUID().slice(0, 8)}`;
const entry = (tweetId: bigint) => ({ tweetId, authorId: 1n });
const all = { limit: 100 };
/** Tweet ids of today's size. */
const BASE_ID = 1n << 60n;

/** A loopback port nothing listens on: connections to it are refused at once. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const url = serverUrl('redis');

describe('with Redis', needs('redis'), () => {
  let redis: RedisClient | undefined;
  const client = () => {
    redis ??= openRedis({ url: url as string });
    return redis;
  };
  afterAll(async () => {
    await redis?.quit();
  });

  timelineCacheContract('Redis', async () => {
    const prefix = `${uniquePrefix()}:home`;
    const cache = new RedisTimelineCache({ redis: client(), prefix, ...CONTRACT_CACHE_SETTINGS });
    return {
      cache,
      ttlRemaining: (userId) => cache.ttlRemaining(userId),
      commandsDuring: (work) => redisCommandsDuring(prefix, work),
      close: () => cache.clear(),
    };
  });

  describe('RedisTimelineCache on a standalone server', () => {
    const open = (prefix = `${uniquePrefix()}:home`) =>
      new RedisTimelineCache({ redis: client(), prefix, ...CONTRACT_CACHE_SETTINGS });

    it('gives a list that fanout makes the timeline’s expiry, and leaves an existing list’s as it was', async () => {
      const prefix = `${uniquePrefix()}:home`;
      const cache = open(prefix);
      const reader = 42n;
      const { entries, meta } = timelineKeys(prefix, reader);
      const ttls = async () => [await client().pttl(entries), await client().pttl(meta)] as const;
      await cache.beginRebuild(reader);
      await cache.completeRebuild(reader, [], 0n);
      expect(await client().exists(entries)).toBe(0);
      // The first entry makes the list: it takes the hash's expiry.
      await cache.insert([reader], entry(BASE_ID + 1n));
      const [listTtl, metaTtl] = await ttls();
      expect(listTtl).toBeGreaterThan(0);
      expect(Math.abs(listTtl - metaTtl)).toBeLessThan(1_000);
      // Emptied and made again by the next insert: the expiry again. A newer entry in front keeps it.
      await cache.remove([reader], BASE_ID + 1n);
      expect(await client().exists(entries)).toBe(0);
      await cache.insert([reader], entry(BASE_ID + 2n));
      await cache.insert([reader], entry(BASE_ID + 3n));
      const [again, metaAgain] = await ttls();
      expect(again).toBeGreaterThan(0);
      expect(Math.abs(again - metaAgain)).toBeLessThan(1_000);
      expect((await cache.read(reader, all))?.entries.map((e) => e.tweetId)).toEqual([
        BASE_ID + 3n,
        BASE_ID + 2n,
      ]);
      await cache.clear();
    });

    it('keeps a full timeline in at most 24 bytes an entry', async () => {
      const prefix = `${uniquePrefix()}:home`;
      const cache = new RedisTimelineCache({
        redis: client(),
        prefix,
        maxEntries: 800,
        ttlMs: 3_600_000,
      });
      // Snowflakes of today: ids around 2^60, authors from a large population.
      const first = 1n << 60n;
      const entries = Array.from({ length: 800 }, (_, i) => ({
        tweetId: first + BigInt(i) * 4_096_123n,
        authorId: first + BigInt((i * 7_919) % 100_000) * 4_096n,
      }));
      try {
        await cache.beginRebuild(7n);
        await cache.completeRebuild(7n, entries.slice(0, 400), 0n);
        for (const e of entries.slice(400)) await cache.insert([7n], e);
        expect((await cache.read(7n, { limit: 1_000 }))?.entries).toHaveLength(800);
        const keys = await client().keys(`${prefix}:{u:7}:*`);
        let bytes = 0;
        for (const key of keys) bytes += Number(await client().call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
        expect(bytes / 800).toBeLessThanOrEqual(24);
      } finally {
        await cache.clear();
      }
    });

    it('fans an entry out to a page of readers in two round trips: the index, then the active timelines', async () => {
      const cache = open();
      const readers = Array.from({ length: 1_000 }, (_, i) => 50_000n + BigInt(i));
      for (const userId of readers.slice(0, 10)) await cache.beginRebuild(userId);
      await cache.activeAmong([1n]); // the first question also sweeps the index, once
      const pipelines = vi.spyOn(client(), 'pipeline');
      try {
        expect(await cache.insert(readers, entry(1n))).toBe(10);
        await cache.remove(readers, 1n);
        expect(pipelines).toHaveBeenCalledTimes(4);
      } finally {
        pipelines.mockRestore();
        await cache.clear();
      }
    });

    it('keeps a reader’s keys under its prefix and hash tag, and clear deletes only this cache’s', async () => {
      const base = uniquePrefix();
      const home = open(`${base}:home`);
      const longer = open(`${base}:home:other`);
      const tweets = new RedisTweetCache({ redis: client(), prefix: `${base}:home` });
      try {
        for (const cache of [home, longer]) {
          await cache.beginRebuild(7n);
          await cache.completeRebuild(7n, [entry(1n)], 0n);
        }
        await tweets.setMany([aTweet(7n, { text: 'hello' })]);
        expect((await client().keys(`${base}:home:{*`)).sort()).toEqual([
          `${base}:home:{u:7}:list`,
          `${base}:home:{u:7}:state`,
        ]);
        await home.clear();
        expect(await home.read(7n, all)).toBeNull();
        expect((await longer.read(7n, all))?.entries).toEqual([entry(1n)]);
        expect((await tweets.getMany([7n])).size).toBe(1);
      } finally {
        await Promise.all([home.clear(), longer.clear(), tweets.clear()]);
      }
    });

    it('answers ping, and closes the connection only when it owns it', async () => {
      const shared = open();
      await shared.ping();
      await shared.close();
      expect(await client().ping()).toBe('PONG');
      const own = openRedis({ url: url as string });
      const owner = new RedisTimelineCache({
        redis: own,
        prefix: `${uniquePrefix()}:home`,
        ownsConnection: true,
        ...CONTRACT_CACHE_SETTINGS,
      });
      await owner.ping();
      await owner.close();
      await expect(own.ping()).rejects.toThrow(/closed/i);
    });

    it('refuses a prefix that would share a hash tag or match other keys', () => {
      expect(() => open('starling:{home}')).toThrow(/prefix/);
      expect(() => open('starling:*')).toThrow(/prefix/);
    });
  });
});

describe('RedisTimelineCache when Redis is down', () => {
  it('fails reads, fanout and ping quickly instead of waiting for Redis', async () => {
    const redis = openRedis({ url: `redis://127.0.0.1:${await deadPort()}` }, { onError: () => undefined });
    const cache = new RedisTimelineCache({
      redis,
      prefix: 'down:home',
      timeoutMs: 500,
      ...CONTRACT_CACHE_SETTINGS,
    });
    try {
      await expect(cache.read(1n, all)).rejects.toThrow();
      await expect(cache.insert([1n, 2n], entry(1n))).rejects.toThrow();
      await expect(cache.ping()).rejects.toThrow();
    } finally {
      redis.disconnect();
    }
  });
});

describe('RedisTimelineCache when Redis hangs', () => {
  it('fails reads within its timeout rather than waiting for an answer', async () => {
    // A server that accepts connections and never replies, like a Redis stuck on a slow command.
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as AddressInfo;
    const redis = openRedis({ url: `redis://127.0.0.1:${port}` }, { onError: () => undefined });
    const cache = new RedisTimelineCache({
      redis,
      prefix: 'hung:home',
      timeoutMs: 300,
      ...CONTRACT_CACHE_SETTINGS,
    });
    try {
      await expect(cache.read(1n, all)).rejects.toThrow(RedisTimeoutError);
      await expect(cache.ping()).rejects.toThrow(RedisTimeoutError);
    } finally {
      redis.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    }
  });
});
