import calculateSlot from 'cluster-key-slot';
import { type ChainableCommander, Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './redis-connection.js';

/** How a batch of items becomes commands: the key that places each item, and the command queued for it. */
export interface NodeBatch<T> {
  key(item: T): string;
  add(pipeline: ChainableCommander, item: T): void;
}

/** The cluster moved the slot (or is moving it) since the client learned the slot map; the command did not run. */
const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;
/** ioredis refuses a pipeline whose keys its own slot map places on different nodes (ours was older or newer). */
const SLOT_MAP_DISAGREES = /same slots allocation group/;

/**
 * One command per item, in one pipeline per Redis node that owns the items' keys (a standalone server is a single
 * node), all nodes at once: a fanout page of a thousand readers costs one round trip per node. Returns each item's
 * reply in the order of `items`; throws the first error that is not a redirect.
 *
 * A command the cluster redirected is sent again in a pipeline of its own, which ioredis follows to the new owner
 * (and which refreshes its slot map), so a resharding costs extra round trips, never a lost command.
 */
export async function pipelinePerNode<T>(
  redis: RedisClient,
  items: readonly T[],
  batch: NodeBatch<T>,
): Promise<unknown[]> {
  const replies = new Array<unknown>(items.length);
  const again: number[] = [];
  await Promise.all(
    groupByNode(redis, items, batch.key).map(async (indexes) => {
      const pipeline = redis.pipeline();
      for (const i of indexes) batch.add(pipeline, items[i] as T);
      let results: [Error | null, unknown][];
      try {
        results = (await pipeline.exec()) ?? [];
      } catch (error) {
        if (!(error instanceof Error && SLOT_MAP_DISAGREES.test(error.message))) throw error;
        again.push(...indexes);
        return;
      }
      results.forEach(([error, reply], at) => {
        const i = indexes[at] as number;
        if (!error) replies[i] = reply;
        else if (REDIRECTED.test(error.message)) again.push(i);
        else throw error;
      });
    }),
  );
  await Promise.all(
    again.map(async (i) => {
      const pipeline = redis.pipeline();
      batch.add(pipeline, items[i] as T);
      const [result] = (await pipeline.exec()) ?? [];
      if (!result) throw new Error('Redis returned no reply for a pipelined command');
      if (result[0]) throw result[0];
      replies[i] = result[1];
    }),
  );
  return replies;
}

/** Indexes of `items`, grouped by the master that serves each key's slot as the client last learned it. */
function groupByNode<T>(redis: RedisClient, items: readonly T[], key: (item: T) => string): number[][] {
  const all = items.map((_, i) => i);
  if (!(redis instanceof Cluster)) return all.length > 0 ? [all] : [];
  // Before the client has a slot map, each command waits for it alone (ioredis routes a pipeline once ready).
  if (redis.slots.length === 0) return all.map((i) => [i]);
  const groups = new Map<string, number[]>();
  for (const i of all) {
    const owner = redis.slots[calculateSlot(key(items[i] as T))]?.[0] ?? '?';
    const group = groups.get(owner);
    if (group) group.push(i);
    else groups.set(owner, [i]);
  }
  return [...groups.values()];
}

/**
 * Deletes every key matching `pattern` on every master (SCAN is per node in a cluster), a SCAN page at a time with
 * UNLINK, so memory is reclaimed off Redis's main thread. Returns how many keys were deleted.
 */
export async function unlinkMatching(redis: RedisClient, pattern: string): Promise<number> {
  const masters: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const counts = await Promise.all(
    masters.map(async (node) => {
      let deleted = 0;
      for await (const page of node.scanStream({ match: pattern, count: 1_000 })) {
        const keys = page as string[];
        if (keys.length === 0) continue;
        // A multi-key UNLINK must stay within one slot in a cluster; a standalone server takes the page at once.
        const groups = redis instanceof Cluster ? bySlot(keys) : [keys];
        const pipeline = node.pipeline();
        for (const group of groups) pipeline.unlink(...group);
        for (const [error, count] of (await pipeline.exec()) ?? []) {
          if (error) throw error;
          deleted += Number(count);
        }
      }
      return deleted;
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

function bySlot(keys: readonly string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const slot = calculateSlot(key);
    const group = groups.get(slot);
    if (group) group.push(key);
    else groups.set(slot, [key]);
  }
  return [...groups.values()];
}

/** How long a write waits for a replica's acknowledgement before going on without it. */
const REPLICA_ACK_MS = 250;

/**
 * Waits until the replicas of the primaries that own `keys` have the writes this client sent them (WAIT 1), so a
 * failover right after a fanout batch cannot promote a replica that lacks it: replication is asynchronous, and a
 * timeline entry lost that way would stay lost until the timeline expires. A primary without a replica is not waited
 * for (WAIT would only time out), and a replica that does not answer in time is given up on: the write stands on the
 * primary, as it would without this. A standalone server has nothing to wait for.
 */
export async function replicated(redis: RedisClient, keys: readonly string[]): Promise<void> {
  if (!(redis instanceof Cluster) || redis.slots.length === 0) return;
  const owners = new Set<string>();
  for (const key of keys) {
    const nodes = redis.slots[calculateSlot(key)];
    if (nodes && nodes.length > 1 && nodes[0]) owners.add(nodes[0]);
  }
  if (owners.size === 0) return;
  await Promise.all(
    redis
      .nodes('master')
      .filter((node) => owners.has(`${node.options.host}:${node.options.port}`))
      .map((node) => node.call('WAIT', '1', String(REPLICA_ACK_MS)).catch(() => undefined)),
  );
}
