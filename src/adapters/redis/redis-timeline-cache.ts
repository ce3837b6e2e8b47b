import calculateSlot from 'cluster-key-slot';
import { Cluster, type Redis } from 'ioredis';
import type { IdWindow, TimelineEntry } from '../../domain/model.js';
import type { CachedTimeline, TimelineCache } from '../../ports/timeline-cache.js';
import { eachMaster, type RedisClient } from './redis-connection.js';
import { BEGIN, COMPLETE, INSERT, MERGE, READ, REMOVE_AUTHOR } from './timeline-scripts.js';

export interface RedisTimelineCacheOptions {
  redis: RedisClient;
  /** Key prefix: `<namespace>:<kind>`, e.g. `starling:home` or `starling:celebrity`. */
  prefix: string;
  maxEntries: number;
  ttlMs: number;
}

/**
 * The two keys of one timeline, `<prefix>:{<user id>}:z` (entries) and `…:m` (floor and completeness): the `{…}` hash
 * tag keeps them in one slot, so each script runs on one node.
 */
type TimelineKey = `${string}}:z` | `${string}}:m`;

const ID_WIDTH = 20;
const pad = (id: bigint) => id.toString().padStart(ID_WIDTH, '0');
const member = (e: TimelineEntry) => `${pad(e.tweetId)}:${e.authorId}`;
const parse = (raw: string): TimelineEntry => ({
  tweetId: BigInt(raw.slice(0, ID_WIDTH)),
  authorId: BigInt(raw.slice(ID_WIDTH + 1)),
});

interface ScriptCommands {
  tlInsert(zset: string, meta: string, max: number, member: string): Promise<number>;
  tlRead(
    zset: string,
    meta: string,
    max: string,
    min: string,
    limit: number,
    ttl: number,
  ): Promise<[string, string[]] | null>;
  tlBegin(zset: string, meta: string, ttl: number): Promise<number>;
  tlComplete(
    zset: string,
    meta: string,
    floor: string,
    max: number,
    ttl: number,
    ...members: string[]
  ): Promise<number>;
  tlMerge(zset: string, meta: string, max: number, ...members: string[]): Promise<number>;
  tlRemoveAuthor(zset: string, author: string): Promise<number>;
}

/**
 * Cached timelines in Redis (standalone or Cluster), with the contract of the in-process cache: exact id order above
 * 2^53, one entry per tweet, a cap with a floor, expiry refreshed only by reads, inserts only into timelines that
 * exist. A fanout batch costs one pipelined round trip per Redis node, however many readers it touches.
 */
export class RedisTimelineCache implements TimelineCache {
  private readonly redis: RedisClient & ScriptCommands;

  constructor(private readonly options: RedisTimelineCacheOptions) {
    const redis = options.redis;
    const define = (name: string, lua: string, keys: number) => {
      if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys: keys });
    };
    define('tlInsert', INSERT, 2);
    define('tlRead', READ, 2);
    define('tlBegin', BEGIN, 2);
    define('tlComplete', COMPLETE, 2);
    define('tlMerge', MERGE, 2);
    define('tlRemoveAuthor', REMOVE_AUTHOR, 1);
    this.redis = redis as RedisClient & ScriptCommands;
  }

  private keys(userId: bigint): [TimelineKey, TimelineKey] {
    const base = `${this.options.prefix}:{${userId}}` as const;
    return [`${base}:z`, `${base}:m`];
  }

  async read(userId: bigint, window: IdWindow): Promise<CachedTimeline | null> {
    const [zset, meta] = this.keys(userId);
    const max = window.before === undefined ? '+' : `(${pad(window.before)}`;
    const min = window.after === undefined ? '-' : `[${pad(window.after + 1n)}`;
    const found = await this.redis.tlRead(zset, meta, max, min, window.limit, this.options.ttlMs);
    if (!found) return null;
    const [floor, members] = found;
    return { entries: members.map(parse), floor: BigInt(floor) };
  }

  async beginRebuild(userId: bigint): Promise<void> {
    await this.redis.tlBegin(...this.keys(userId), this.options.ttlMs);
  }

  async completeRebuild(userId: bigint, entries: readonly TimelineEntry[], floor: bigint): Promise<void> {
    const { maxEntries, ttlMs } = this.options;
    await this.redis.tlComplete(...this.keys(userId), pad(floor), maxEntries, ttlMs, ...entries.map(member));
  }

  async insert(userIds: readonly bigint[], entry: TimelineEntry): Promise<number> {
    const value = member(entry);
    const results = await this.perNode(userIds, (pipeline, userId) =>
      (pipeline as unknown as ScriptCommands).tlInsert(...this.keys(userId), this.options.maxEntries, value),
    );
    return results.reduce<number>((sum, inserted) => sum + Number(inserted), 0);
  }

  async merge(userId: bigint, entries: readonly TimelineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.tlMerge(...this.keys(userId), this.options.maxEntries, ...entries.map(member));
  }

  async remove(userIds: readonly bigint[], tweetId: bigint): Promise<void> {
    const id = pad(tweetId);
    // Members are `<id>:<author>`: every member of this tweet lies between `<id>:` and `<id>;`.
    await this.perNode(userIds, (pipeline, userId) =>
      pipeline.zremrangebylex(this.keys(userId)[0], `[${id}:`, `(${id};`),
    );
  }

  async removeAuthor(userId: bigint, authorId: bigint): Promise<void> {
    await this.redis.tlRemoveAuthor(this.keys(userId)[0], authorId.toString());
  }

  /** Milliseconds the reader's timeline has left, or null if it has none. */
  async ttlRemaining(userId: bigint): Promise<number | null> {
    const ttl = await this.redis.pttl(this.keys(userId)[1]);
    return ttl < 0 ? null : ttl;
  }

  async clear(): Promise<void> {
    await eachMaster(this.redis, async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${this.options.prefix}:*`, 'COUNT', 1_000);
        cursor = next;
        // Keys from one SCAN page may span slots; delete them one by one within the node's pipeline.
        if (keys.length > 0) await node.pipeline(keys.map((key) => ['unlink', key])).exec();
      } while (cursor !== '0');
    });
  }

  async close(): Promise<void> {
    // The connection is shared; whoever opened it closes it.
  }

  /**
   * One pipeline per Redis node holding any of these readers' timelines, all sent at once: a fanout page of a
   * thousand readers is one round trip per node. Returns each command's result in order of `userIds`.
   */
  private async perNode(
    userIds: readonly bigint[],
    command: (pipeline: ReturnType<Redis['pipeline']>, userId: bigint) => unknown,
  ): Promise<unknown[]> {
    const groups = new Map<string, bigint[]>();
    const redis = this.redis;
    for (const userId of userIds) {
      const node = redis instanceof Cluster ? nodeOf(redis, this.keys(userId)[0]) : 'standalone';
      const group = groups.get(node);
      if (group) group.push(userId);
      else groups.set(node, [userId]);
    }
    const results = new Map<bigint, unknown>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const pipeline = redis.pipeline();
        for (const userId of group) command(pipeline, userId);
        const replies = (await pipeline.exec()) ?? [];
        replies.forEach(([error, value], i) => {
          if (error) throw error;
          results.set(group[i] as bigint, value);
        });
      }),
    );
    return userIds.map((userId) => results.get(userId));
  }
}

/** The master that serves a key's slot, as the cluster client last learned it. */
function nodeOf(cluster: Cluster, key: string): string {
  const tag = /\{([^}]+)\}/.exec(key)?.[1] ?? key;
  return cluster.slots[calculateSlot(tag)]?.[0] ?? 'unknown';
}
