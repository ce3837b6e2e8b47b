import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openRedis, RedisTimeoutError } from '../../src/adapters/redis/redis-connection.js';
import { timelineKeys } from '../../src/adapters/redis/redis-keys.js';
import { RedisTimelineCache } from '../../src/adapters/redis/redis-timeline-cache.js';
import { redisCommandsDuring } from '../support/redis-commands.js';
import { needs, serverUrl } from '../support/servers.js';
import { CONTRACT_CACHE_SETTINGS, timelineCacheContract } from './timeline-cache.contract.js';

const uniquePrefix = () => `test${process.env.VITEST_POOL_ID ?? 0}-${randomUUID().slice(0, 8)}`;
const entry = (tweetId: bigint) => ({ tweetId, authorId: 1n });
const all = { limit: 100 };

const nodes = serverUrl('redisCluster');

describe('with a Redis Cluster', needs('redisCluster'), () => {
  let cluster: Cluster | undefined;
  const client = () => {
    cluster ??= openRedis({ clusterNodes: (nodes as string).split(',') }) as Cluster;
    return cluster;
  };
  afterAll(async () => {
    await cluster?.quit();
  });

  timelineCacheContract('Redis Cluster', async () => {
    const prefix = `${uniquePrefix()}:home`;
    const cache = new RedisTimelineCache({ redis: client(), prefix, ...CONTRACT_CACHE_SETTINGS });
    return {
      cache,
      ttlRemaining: (userId) => cache.ttlRemaining(userId),
      commandsDuring: (work) => redisCommandsDuring(prefix, work),
      close: () => cache.clear(),
    };
  });

  describe('RedisTimelineCache on a cluster', () => {
    const open = (prefix = `${uniquePrefix()}:home`) =>
      new RedisTimelineCache({ redis: client(), prefix, ...CONTRACT_CACHE_SETTINGS });
    /** Readers whose timelines live on every master. */
    const readers = Array.from({ length: 600 }, (_, i) => 70_000n + BigInt(i));

    it('keeps all of a reader’s keys in one slot, so one script reaches them together', async () => {
      const prefix = `${uniquePrefix()}:home`;
      const cache = open(prefix);
      await cache.beginRebuild(42n);
      await cache.completeRebuild(42n, [entry(1n)], 0n);
      const { entries, meta } = timelineKeys(prefix, 42n);
      const slots = await Promise.all([entries, meta].map((key) => client().cluster('KEYSLOT', key)));
      expect(slots[0]).toBe(slots[1]);
      expect(await client().exists(entries, meta)).toBe(2);
      await cache.clear();
    });

    it('fans an entry out with one pipeline per master for the index and one for the writes', async () => {
      const cache = open();
      await client().ping();
      const masters = client().nodes('master').length;
      for (const userId of readers) await cache.beginRebuild(userId);
      await cache.activeAmong([1n]); // the first question also sweeps the index, once
      const pipelines = vi.spyOn(client(), 'pipeline');
      try {
        expect(await cache.insert(readers, entry(1n))).toBe(readers.length);
        expect(pipelines).toHaveBeenCalledTimes(2 * masters);
        await cache.remove(readers, 1n);
        expect(pipelines).toHaveBeenCalledTimes(4 * masters);
      } finally {
        pipelines.mockRestore();
        await cache.clear();
      }
    });

    it('still delivers every entry when its slot map is stale (MOVED)', async () => {
      const prefix = `${uniquePrefix()}:home`;
      const cache = open(prefix);
      for (const userId of readers) {
        await cache.beginRebuild(userId);
        await cache.completeRebuild(userId, [], 0n);
      }
      const moved = readers.slice(0, 20);
      misdirect(
        client(),
        moved.map((userId) => timelineKeys(prefix, userId).meta),
      );
      const pipelines = vi.spyOn(client(), 'pipeline');
      try {
        expect(await cache.insert(readers, entry(5n))).toBe(readers.length);
        // The redirected commands were sent again, each in a pipeline of its own.
        expect(pipelines.mock.calls.length).toBeGreaterThan(client().nodes('master').length);
      } finally {
        pipelines.mockRestore();
      }
      for (const userId of moved) expect((await cache.read(userId, all))?.entries).toEqual([entry(5n)]);
      await cache.clear();
    });

    it('clears its keys on every master and nobody else’s', async () => {
      const base = uniquePrefix();
      const home = open(`${base}:home`);
      const other = open(`${base}:celebrity`);
      for (const cache of [home, other]) {
        for (const userId of readers.slice(0, 60)) {
          await cache.beginRebuild(userId);
          await cache.completeRebuild(userId, [entry(1n)], 0n);
        }
      }
      await home.clear();
      for (const userId of readers.slice(0, 60)) {
        expect(await home.read(userId, all)).toBeNull();
        expect((await other.read(userId, all))?.entries).toEqual([entry(1n)]);
      }
      await other.clear();
    });

    it('answers ping from every master', async () => {
      await open().ping();
    });
  });
});

describe('RedisTimelineCache when the cluster stops answering', () => {
  it('fails reads and fanout within its timeout instead of queueing them for ever', async () => {
    // A node that accepts connections and never replies: the client has no slot map and queues every command.
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as AddressInfo;
    const redis = openRedis({ clusterNodes: [`127.0.0.1:${port}`] }, { onError: () => undefined });
    const cache = new RedisTimelineCache({
      redis,
      prefix: 'down:home',
      timeoutMs: 300,
      ...CONTRACT_CACHE_SETTINGS,
    });
    try {
      await expect(cache.read(1n, all)).rejects.toThrow(RedisTimeoutError);
      await expect(cache.insert([1n, 2n], entry(1n))).rejects.toThrow(RedisTimeoutError);
      await expect(cache.ping()).rejects.toThrow();
    } finally {
      redis.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    }
  });
});

/**
 * Makes the client believe each key's slot belongs to another master, as after a resharding it has not heard of:
 * commands for those keys go to the wrong node and come back MOVED. Reaches into ioredis's slot tables (test only).
 */
function misdirect(cluster: Cluster, keys: readonly string[]) {
  const groups = (cluster as unknown as { _groupsBySlot: (number | undefined)[] })._groupsBySlot;
  const masters = cluster.nodes('master').map((node) => `${node.options.host}:${node.options.port}`);
  for (const key of keys) {
    const slot = calculateSlot(key);
    const owner = cluster.slots[slot]?.[0];
    const wrong = masters.find((master) => master !== owner) as string;
    const wrongSlot = cluster.slots.findIndex((holders) => holders?.[0] === wrong);
    cluster.slots[slot] = [wrong];
    groups[slot] = groups[wrongSlot];
  }
}
