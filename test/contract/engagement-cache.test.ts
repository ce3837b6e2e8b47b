import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryEngagementCache } from '../../src/adapters/memory/memory-engagement-cache.js';
import { openRedis, type RedisClient } from '../../src/adapters/redis/redis-connection.js';
import { RedisEngagementCache } from '../../src/adapters/redis/redis-engagement-cache.js';
import type { EngagementCache } from '../../src/ports/engagement-cache.js';
import { TestClock } from '../support/clock.js';
import { needs, serverUrl } from '../support/servers.js';

/** Ids above 2^62: exact whatever the store does with doubles. */
const BASE = (1n << 62n) + 7n;
const id = (n: number) => BASE + BigInt(n);
const copy = (n: number, version: number, likeCount: number) => ({
  tweetId: id(n),
  version,
  likeCount,
  retweetCount: 1,
  replyCount: 2,
});

/** One suite, run against every EngagementCache. */
function engagementCacheContract(name: string, open: () => Promise<EngagementCache>) {
  describe(`EngagementCache contract: ${name}`, () => {
    let cache: EngagementCache;
    beforeEach(async () => {
      cache = await open();
    });
    afterEach(() => cache.clear());

    it('keeps the newest copy of a tweet’s counters, whatever order the copies arrive in', async () => {
      expect((await cache.counters([id(1)])).size).toBe(0);
      await cache.putCounters([copy(1, 3, 30), copy(2, 1, 10)]);
      await cache.putCounters([copy(1, 2, 20)]);
      expect((await cache.counters([id(1), id(2), id(3)])).get(id(1))).toEqual(copy(1, 3, 30));
      await cache.putCounters([copy(1, 4, 29)]);
      const held = await cache.counters([id(1), id(2), id(3)]);
      expect([...held.values()]).toEqual([copy(1, 4, 29), copy(2, 1, 10)]);
    });

    it('answers for a viewer only once loaded, and only from its horizon on', async () => {
      const viewer = 5n;
      expect((await cache.viewer(viewer, [id(5)])).known.size).toBe(0);
      await cache.beginViewer(viewer);
      expect((await cache.viewer(viewer, [id(5)])).known.size).toBe(0);
      await cache.loadViewer(viewer, id(2), [id(5)], [id(6)]);
      const state = await cache.viewer(viewer, [id(1), id(5), id(6), id(7)]);
      expect(state.known).toEqual(new Set([id(5), id(6), id(7)]));
      expect(state.liked).toEqual(new Set([id(5)]));
      expect(state.retweeted).toEqual(new Set([id(6)]));
    });

    it('keeps changes made while the viewer was being loaded, and never lets a load undo them', async () => {
      const viewer = 6n;
      await cache.beginViewer(viewer);
      // The load read the database before these: it still saw 5 liked and 6 retweeted, and not 8.
      await cache.setViewer(viewer, id(5), 'liked', false);
      await cache.setViewer(viewer, id(6), 'retweeted', false);
      await cache.setViewer(viewer, id(8), 'liked', true);
      await cache.loadViewer(viewer, id(0), [id(5), id(7)], [id(6)]);
      let state = await cache.viewer(viewer, [id(5), id(6), id(7), id(8)]);
      expect(state.liked).toEqual(new Set([id(7), id(8)]));
      expect(state.retweeted).toEqual(new Set());
      await cache.setViewer(viewer, id(5), 'liked', true);
      await cache.setViewer(viewer, id(8), 'retweeted', true);
      state = await cache.viewer(viewer, [id(5), id(8)]);
      expect(state.liked).toEqual(new Set([id(5), id(8)]));
      expect(state.retweeted).toEqual(new Set([id(8)]));
    });

    it('records nothing for a viewer whose state does not exist (their next load reads it all)', async () => {
      await cache.setViewer(7n, id(1), 'liked', true);
      await cache.beginViewer(7n);
      await cache.loadViewer(7n, id(0), [], []);
      expect((await cache.viewer(7n, [id(1)])).liked.size).toBe(0);
    });
  });
}

engagementCacheContract(
  'in-process',
  async () =>
    new MemoryEngagementCache(
      { maxCounters: 100, countersTtlMs: 3_600_000, viewerTtlMs: 3_600_000 },
      new TestClock(),
    ),
);

for (const [name, server] of [
  ['Redis', 'redis'],
  ['Redis Cluster', 'redisCluster'],
] as const) {
  const url = serverUrl(server);
  describe(`with ${name}`, needs(server), () => {
    let redis: RedisClient | undefined;
    const client = () => {
      redis ??=
        server === 'redis'
          ? openRedis({ url: url as string })
          : openRedis({ clusterNodes: (url as string).split(',') });
      return redis;
    };
    afterAll(async () => {
      await redis?.quit();
    });
    engagementCacheContract(name, async () => {
      const prefix = `test${process.env.VITEST_POOL_ID ?? 0}-${randomUUID().slice(0, 8)}`;
      return new RedisEngagementCache({ redis: client(), prefix, viewerTtlMs: 3_600_000 });
    });
  });
}
