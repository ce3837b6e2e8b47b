import { Cluster } from 'ioredis';
import { DEFAULT_REDIS_TIMEOUT_MS, type RedisClient, withDeadline } from './redis-connection.js';

export interface RedisTopology {
  /** Node ids of the primaries that serve slots and are not failed. */
  primaries: string[];
  /** Of those, the ones with no connected replica. */
  withoutReplica: number;
  failedNodes: number;
}

/**
 * The cluster's own view of itself (CLUSTER NODES, from the first node that answers): which primaries serve slots,
 * which of them have no connected replica, and how many nodes are marked failed. A standalone server is one primary.
 */
export async function redisTopology(redis: RedisClient): Promise<RedisTopology> {
  if (!(redis instanceof Cluster)) return { primaries: ['standalone'], withoutReplica: 0, failedNodes: 0 };
  let lastError: unknown = new Error('no Redis Cluster node known');
  for (const node of redis.nodes('all')) {
    try {
      const text = await withDeadline(
        node.call('CLUSTER', 'NODES') as Promise<string>,
        DEFAULT_REDIS_TIMEOUT_MS,
        'CLUSTER NODES',
      );
      return parseClusterNodes(text);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Lines of `<id> <addr> <flags> <primary id> <ping> <pong> <epoch> <link> <slots…>`. */
export function parseClusterNodes(text: string): RedisTopology {
  const nodes = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', , flags = '', primaryId = '', , , , link = '', ...slots] = line.trim().split(' ');
      const flagSet = new Set(flags.split(','));
      return { id, flags: flagSet, primaryId, link, slots, failed: flagSet.has('fail') };
    });
  const primaries = nodes.filter((n) => n.flags.has('master') && !n.failed && n.slots.length > 0);
  const replicated = new Set(
    nodes.filter((n) => n.flags.has('slave') && !n.failed && n.link === 'connected').map((n) => n.primaryId),
  );
  return {
    primaries: primaries.map((n) => n.id),
    withoutReplica: primaries.filter((n) => !replicated.has(n.id)).length,
    failedNodes: nodes.filter((n) => n.failed).length,
  };
}
