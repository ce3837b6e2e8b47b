import { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

export type RedisTarget = { url: string } | { clusterNodes: string[] };

/**
 * One connection (or cluster client) per process, shared by the Redis adapters. Commands fail fast when Redis is
 * unreachable instead of queueing: timeline reads then fall back to PostgreSQL rather than hang.
 */
export function openRedis(target: RedisTarget): RedisClient {
  const options = {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    // Commands issued together in one tick share a round trip (per node in a cluster).
    enableAutoPipelining: true,
  };
  if ('url' in target) return new Redis(target.url, options);
  const nodes = target.clusterNodes.map((node) => {
    const [host, port] = node.split(':');
    return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
  });
  return new Cluster(nodes, { redisOptions: options, enableAutoPipelining: true, scaleReads: 'master' });
}

/** Runs `command` against every master (a standalone server is its own only master). */
export async function eachMaster(redis: RedisClient, command: (node: Redis) => Promise<void>): Promise<void> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  await Promise.all(nodes.map(command));
}
