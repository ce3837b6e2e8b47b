import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryFollowerVersions } from '../../src/adapters/memory/memory-follower-versions.js';
import { openRedis, type RedisClient } from '../../src/adapters/redis/redis-connection.js';
import { RedisFollowerVersions } from '../../src/adapters/redis/redis-follower-versions.js';
import type { FollowerVersions } from '../../src/ports/follower-versions.js';
import { needs, serverUrl } from '../support/servers.js';

interface VersionsFixture {
  /** Two handles on the same versions, as two processes would hold. */
  one: FollowerVersions;
  other: FollowerVersions;
  /** Loses every version, as a flush or a restart of the cache would (absent: the versions cannot be lost). */
  lose?(): Promise<void>;
}

/** One suite, run against every FollowerVersions. */
function followerVersionsContract(name: string, open: () => Promise<VersionsFixture>) {
  describe(`FollowerVersions contract: ${name}`, () => {
    it('keeps a version until someone moves it, and every holder sees the move', async () => {
      const { one, other } = await open();
      const before = await one.current(7n);
      expect(await one.current(7n)).toBe(before);
      expect(await other.current(7n)).toBe(before);
      await other.bump(7n);
      const after = await one.current(7n);
      expect(after).not.toBe(before);
      expect(await other.current(7n)).toBe(after);
      expect(await one.current(8n)).toBe(await other.current(8n));
    });

    it('never hands out a version again once the versions were lost', async (context) => {
      const fx = await open();
      if (!fx.lose) return context.skip('these versions live as long as the process that uses them');
      const seen = new Set([await fx.one.current(9n)]);
      await fx.lose();
      for (let i = 0; i < 3; i++) {
        const now = await fx.one.current(9n);
        expect(seen.has(now)).toBe(false);
        seen.add(now);
        await fx.other.bump(9n);
      }
    });
  });
}

followerVersionsContract('in-process', async () => {
  const versions = new MemoryFollowerVersions();
  return { one: versions, other: versions };
});

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
    followerVersionsContract(name, async () => {
      const prefix = `test${process.env.VITEST_POOL_ID ?? 0}-${randomUUID().slice(0, 8)}`;
      return {
        one: new RedisFollowerVersions({ redis: client(), prefix }),
        other: new RedisFollowerVersions({ redis: client(), prefix }),
        lose: async () => void (await client().del(`${prefix}:followers:9`)),
      };
    });
  });
}
