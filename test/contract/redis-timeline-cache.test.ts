import { randomUUID } from 'node:crypto';
import { afterAll, describe } from 'vitest';
import { openRedis, type RedisClient } from '../../src/adapters/redis/redis-connection.js';
import { RedisTimelineCache } from '../../src/adapters/redis/redis-timeline-cache.js';
import { serverUrl } from '../support/servers.js';
import { CONTRACT_CACHE_SETTINGS, timelineCacheContract } from './timeline-cache.contract.js';

function redisContract(name: string, open: () => RedisClient) {
  let redis: RedisClient | undefined;
  afterAll(async () => {
    await redis?.quit();
  });
  timelineCacheContract(name, async () => {
    redis ??= open();
    const cache = new RedisTimelineCache({
      redis,
      prefix: `test${process.env.VITEST_POOL_ID ?? 0}-${randomUUID().slice(0, 8)}:home`,
      ...CONTRACT_CACHE_SETTINGS,
    });
    return {
      cache,
      ttlRemaining: (userId) => cache.ttlRemaining(userId),
      close: () => cache.clear(),
    };
  });
}

const standalone = serverUrl('redis');
describe.skipIf(!standalone)('with Redis', () => {
  redisContract('Redis', () => openRedis({ url: standalone as string }));
});

const cluster = serverUrl('redisCluster');
describe.skipIf(!cluster)('with a Redis Cluster', () => {
  redisContract('Redis Cluster', () => openRedis({ clusterNodes: (cluster as string).split(',') }));
});
