import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** A standalone server (`redis://host:port`), or seed nodes (`host:port`) of a Redis Cluster. */
export type RedisTarget = { url: string } | { clusterNodes: readonly string[] };

export interface RedisConnectionOptions {
  /** Bound on connecting and on each command, in ms (default 1,000). */
  timeoutMs?: number;
  /** Told of connection errors; without it ioredis prints them. */
  onError?: (error: Error) => void;
}

export const DEFAULT_REDIS_TIMEOUT_MS = 1_000;
/**
 * The adapters' bound on a whole operation (default `timeoutMs`): a fanout batch of a thousand scripts shares it, so
 * it leaves room above the per-command bound; it matters most for a cluster client that has lost every node.
 */
export const DEFAULT_OPERATION_TIMEOUT_MS = 2_000;

/**
 * One connection (or cluster client) per process, shared by the Redis adapters. The cache is an optimisation: when
 * Redis is unreachable a command fails after one retry instead of waiting for it, and reads fall back to PostgreSQL.
 * The offline queue stays on so commands issued while the first connection is being made are not refused; each
 * command is still bounded by `commandTimeout` (and, in a cluster, by the adapters' {@link withDeadline}).
 */
export function openRedis(target: RedisTarget, options: RedisConnectionOptions = {}): RedisClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const node: RedisOptions = {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // Commands issued in one tick share a round trip (per node in a cluster).
    enableAutoPipelining: true,
  };
  const client =
    'url' in target
      ? new Redis(target.url, node)
      : new Cluster(target.clusterNodes.map(parseNode), {
          redisOptions: node,
          lazyConnect: false,
          enableAutoPipelining: true,
          scaleReads: 'master',
          slotsRefreshTimeout: timeoutMs,
        });
  if (options.onError) client.on('error', options.onError);
  return client;
}

function parseNode(node: string): { host: string; port: number } {
  const at = node.trim().lastIndexOf(':');
  if (at <= 0) return { host: node.trim(), port: 6379 };
  return { host: node.trim().slice(0, at), port: Number(node.trim().slice(at + 1)) };
}

export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

/**
 * Fails `work` if it has not settled within `ms`. A cluster client queues commands without any bound while it has
 * no connection to the cluster (ioredis applies `commandTimeout` only once a node is chosen), so without this a
 * dead cluster would hang reads instead of sending them to the database.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedisTimeoutError(`${what}: no answer from Redis within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves when Redis answers within `timeoutMs`: a standalone server, or every master of a cluster whose client has
 * its slot map (for readiness probes).
 */
export async function pingRedis(redis: RedisClient, timeoutMs = DEFAULT_REDIS_TIMEOUT_MS): Promise<void> {
  const ping = async () => {
    if (!(redis instanceof Cluster)) {
      await redis.ping();
      return;
    }
    if (redis.status !== 'ready') throw new Error(`Redis Cluster client is ${redis.status}, not ready`);
    const masters = redis.nodes('master');
    if (masters.length === 0) throw new Error('no Redis Cluster master is known');
    await Promise.all(masters.map((master) => master.ping()));
  };
  await withDeadline(ping(), timeoutMs, 'ping');
}
