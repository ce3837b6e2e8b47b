/*
 * The TimelineCache port on Redis and Redis Cluster. Longer than ~300 lines because the port has twelve operations,
 * each a batched script call per node with its own key and argument mapping; the Lua scripts themselves live in
 * timeline-scripts.ts and the key shapes in redis-keys.ts. The active-reader index is part of the same contract
 * (activeAmong), so it stays with them.
 */
import type { ChainableCommander } from 'ioredis';
import { byIdDesc, fromOldest, type IdWindow, type TimelineEntry } from '../../domain/model.js';
import type { CachedTimeline, TimelineCache } from '../../ports/timeline-cache.js';
import {
  DEFAULT_OPERATION_TIMEOUT_MS,
  DEFAULT_REDIS_TIMEOUT_MS,
  pingRedis,
  type RedisClient,
  withDeadline,
} from './redis-connection.js';
import {
  ACTIVE_SHARDS,
  activeReadersKey,
  activeReadersPattern,
  activeShardOf,
  checkPrefix,
  type TimelineEntriesKey,
  type TimelineKeptOutKey,
  type TimelineKeys,
  type TimelineMetaKey,
  type TimelinePulledKey,
  timelineKeys,
  timelinePattern,
} from './redis-keys.js';
import { pipelinePerNode, replicated, unlinkMatching } from './redis-nodes.js';
import {
  BEGIN,
  COMPLETE,
  FOLLOWED,
  INSERT,
  MERGE,
  READ,
  REMOVE,
  SET_PULLED,
  UNFOLLOWED,
} from './timeline-scripts.js';

export interface RedisTimelineCacheOptions {
  /** A connection from `openRedis`, standalone or cluster. */
  redis: RedisClient;
  /** Starts every key: `<namespace>:<kind>`, e.g. `starling:home` or `starling:celebrity` (see checkPrefix). */
  prefix: string;
  /** Entries kept per timeline; the oldest are trimmed first and raise the floor. */
  maxEntries: number;
  /** How long a timeline lives after its last read (or its rebuild). */
  ttlMs: number;
  /** Quit the connection on close() (default false: a shared connection is closed by whoever opened it). */
  ownsConnection?: boolean;
  /** Longest any one operation (a whole batch included) may take before it fails, in ms (default 2,000). */
  timeoutMs?: number;
}

/** An entry as the list holds it: the tweet id, then the author id, as decimal strings. */
const pair = (e: TimelineEntry) => [e.tweetId.toString(), e.authorId.toString()];
/** Entries as list elements, newest first and one per tweet, as the scripts' merge expects. */
const pairs = (entries: readonly TimelineEntry[]) =>
  [...new Map(entries.map((e) => [e.tweetId, e])).values()].sort(byIdDesc).flatMap(pair);
const parsePairs = (items: string[]): TimelineEntry[] => {
  const out: TimelineEntry[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    out.push({ tweetId: BigInt(items[i] as string), authorId: BigInt(items[i + 1] as string) });
  }
  return out;
};

/**
 * How often a process renews a reader's place in the active-reader index while that reader keeps reading. Members
 * are pruned only once their expiry is {@link PRUNE_GRACE_MS} past, which is more than this: a member whose timeline
 * still lives is never pruned, even with clocks apart by less than the difference.
 */
const VOUCH_EVERY_MS = 3_600_000;
const PRUNE_GRACE_MS = 2 * VOUCH_EVERY_MS;
/** How often a process that fans out sweeps expired members out of the index. */
const PRUNE_EVERY_MS = 600_000;

/**
 * Readers vouched for lately: two generations of sets, the older dropped each time `turnMs` has passed, so a reader
 * is remembered for more than one and at most two turns after they were added. It holds the readers seen in that
 * time and nothing more (an LRU of a million preallocated some 40 MB in every process, for the collector to scan).
 */
class RecentlyVouched {
  private current = new Set<bigint>();
  private previous = new Set<bigint>();
  private turnedAt = Date.now();

  constructor(private readonly turnMs: number) {}

  has(userId: bigint): boolean {
    this.turn();
    return this.current.has(userId) || this.previous.has(userId);
  }

  add(userId: bigint): void {
    this.turn();
    this.current.add(userId);
  }

  clear(): void {
    this.current = new Set();
    this.previous = new Set();
  }

  private turn() {
    const since = Date.now() - this.turnedAt;
    if (since < this.turnMs) return;
    this.previous = since < 2 * this.turnMs ? this.current : new Set();
    this.current = new Set();
    this.turnedAt = Date.now();
  }
}

/** The Lua scripts of timeline-scripts.ts as commands (ioredis sends EVALSHA, and the script once per connection). */
interface TimelineScripts {
  timelineInsert(
    entries: TimelineEntriesKey,
    meta: TimelineMetaKey,
    keptOut: TimelineKeptOutKey,
    max: number,
    tweetId: string,
    authorId: string,
  ): Promise<number>;
  timelineRead(
    entries: TimelineEntriesKey,
    meta: TimelineMetaKey,
    pulled: TimelinePulledKey,
    before: string,
    after: string,
    limit: number,
    ttl: number,
    from: 'oldest' | '',
  ): Promise<[string, string[], string[]] | null>;
  timelineBegin(
    entries: TimelineEntriesKey,
    meta: TimelineMetaKey,
    pulled: TimelinePulledKey,
    ttl: number,
  ): Promise<number>;
  timelineComplete(
    entries: TimelineEntriesKey,
    meta: TimelineMetaKey,
    pulled: TimelinePulledKey,
    keptOut: TimelineKeptOutKey,
    floor: string,
    max: number,
    ttl: number,
    ...pulledAndPairs: (string | number)[]
  ): Promise<number>;
  timelineMerge(
    entries: TimelineEntriesKey,
    meta: TimelineMetaKey,
    keptOut: TimelineKeptOutKey,
    max: number,
    floor: string,
    ...pairs: string[]
  ): Promise<number>;
  timelineRemove(entries: TimelineEntriesKey, tweetId: string): Promise<number>;
  timelineUnfollowed(
    entries: TimelineEntriesKey,
    meta: TimelineMetaKey,
    pulled: TimelinePulledKey,
    keptOut: TimelineKeptOutKey,
    authorId: string,
    ttl: number,
  ): Promise<number>;
  timelineFollowed(
    meta: TimelineMetaKey,
    pulled: TimelinePulledKey,
    keptOut: TimelineKeptOutKey,
    authorId: string,
    flag: '1' | '0',
  ): Promise<number>;
  timelineSetPulled(
    meta: TimelineMetaKey,
    pulled: TimelinePulledKey,
    authorId: string,
    flag: '1' | '0',
  ): Promise<number>;
}

const SCRIPTS = {
  timelineInsert: [INSERT, 3],
  timelineRead: [READ, 3],
  timelineBegin: [BEGIN, 3],
  timelineComplete: [COMPLETE, 4],
  timelineMerge: [MERGE, 3],
  timelineRemove: [REMOVE, 1],
  timelineUnfollowed: [UNFOLLOWED, 4],
  timelineFollowed: [FOLLOWED, 3],
  timelineSetPulled: [SET_PULLED, 2],
} as const satisfies Record<keyof TimelineScripts, readonly [string, number]>;

/**
 * Cached timelines in Redis (standalone or Cluster), with the contract of the in-process cache: exact id order above
 * 2^53, one entry per tweet, a cap with a floor, expiry refreshed only by reads, inserts only into timelines that
 * exist. Each operation on one timeline is one Lua script on one node.
 *
 * Most followers have no timeline (they have not read lately), so fanout first asks an index of active readers: a
 * sorted set per shard (see ACTIVE_SHARDS) of readers whose timeline may exist, scored by when that claim runs out.
 * A page of a thousand followers costs one ZMSCORE per shard — one pipelined round trip per node — and then one
 * script per active reader; an inactive follower costs no command of its own. The index is a superset of the
 * timelines that exist: a reader joins it before their timeline is created, renews it while reading, and leaves it
 * only well after the timeline expired.
 */
export class RedisTimelineCache implements TimelineCache {
  private readonly redis: RedisClient & TimelineScripts;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  /**
   * Readers this process put in the active index lately: a reader who keeps reading renews their place between half
   * of VOUCH_EVERY_MS and VOUCH_EVERY_MS after the last time, never more often, never less.
   */
  private readonly vouched = new RecentlyVouched(VOUCH_EVERY_MS / 2);
  private lastPrune = 0;

  constructor(private readonly options: RedisTimelineCacheOptions) {
    this.prefix = checkPrefix(options.prefix);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    const redis = options.redis;
    // Several caches may share a connection; the scripts are the same for all of them.
    for (const [name, [lua, numberOfKeys]] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
    }
    this.redis = redis as RedisClient & TimelineScripts;
  }

  private keys(userId: bigint): TimelineKeys {
    return timelineKeys(this.prefix, userId);
  }

  private bounded<T>(work: Promise<T>, what: string): Promise<T> {
    return withDeadline(work, this.timeoutMs, `timeline cache ${what}`);
  }

  /** Claims a place in the active index for the reader until the timeline could expire (never shortening one). */
  private vouch(userId: bigint): Promise<unknown> {
    this.vouched.add(userId);
    const until = Date.now() + this.options.ttlMs;
    return this.redis.zadd(
      activeReadersKey(this.prefix, activeShardOf(userId)),
      'GT',
      until,
      userId.toString(),
    );
  }

  async activeAmong(userIds: readonly bigint[]): Promise<bigint[]> {
    if (userIds.length === 0) return [];
    const shards = new Map<number, bigint[]>();
    for (const userId of new Set(userIds)) {
      const shard = activeShardOf(userId);
      const members = shards.get(shard);
      if (members) members.push(userId);
      else shards.set(shard, [userId]);
    }
    const asked = [...shards];
    const replies = await this.bounded(
      pipelinePerNode(this.redis, asked, {
        key: ([shard]) => activeReadersKey(this.prefix, shard),
        add: (pipeline, [shard, members]) =>
          pipeline.zmscore(activeReadersKey(this.prefix, shard), ...members.map(String)),
      }),
      'activeAmong',
    );
    this.pruneNowAndThen();
    return asked.flatMap(([, members], i) => {
      const scores = (replies[i] ?? []) as (string | null)[];
      return members.filter((_, j) => scores[j] != null);
    });
  }

  /** Sweeps members whose claim ran out long ago; best effort, off the caller's path. */
  private pruneNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const shards = Array.from({ length: ACTIVE_SHARDS }, (_, shard) => shard);
    pipelinePerNode(this.redis, shards, {
      key: (shard) => activeReadersKey(this.prefix, shard),
      add: (pipeline, shard) =>
        pipeline.zremrangebyscore(activeReadersKey(this.prefix, shard), '-inf', now - PRUNE_GRACE_MS),
    }).catch(() => undefined);
  }

  async read(userId: bigint, window: IdWindow): Promise<CachedTimeline | null> {
    // A reader of a timeline renews their place in the index now and then, beside the read (never on a miss: the
    // rebuild does it first).
    if (!this.vouched.has(userId)) {
      const [found] = await Promise.all([
        this.readWindow(userId, window),
        this.bounded(this.vouch(userId), 'read'),
      ]);
      return found;
    }
    return this.readWindow(userId, window);
  }

  private async readWindow(userId: bigint, window: IdWindow): Promise<CachedTimeline | null> {
    const { entries, meta, pulled } = this.keys(userId);
    // Both bounds exclusive; no id is below 0, so `before` 0 (or less) leaves nothing.
    const before = window.before === undefined ? '' : (window.before < 0n ? 0n : window.before).toString();
    const after = window.after === undefined || window.after < 0n ? '' : window.after.toString();
    const limit = Math.max(0, Math.floor(window.limit));
    const found = await this.bounded(
      this.redis.timelineRead(
        entries,
        meta,
        pulled,
        before,
        after,
        limit,
        this.options.ttlMs,
        fromOldest(window) ? 'oldest' : '',
      ),
      'read',
    );
    if (!found) return null;
    const [floor, items, authors] = found;
    return { entries: parsePairs(items), floor: BigInt(floor), pulled: authors.map((id) => BigInt(id)) };
  }

  async beginRebuild(userId: bigint): Promise<void> {
    const { entries, meta, pulled } = this.keys(userId);
    // In the index before the timeline exists, so no fanout can find the timeline but not the reader.
    await this.bounded(this.vouch(userId), 'beginRebuild');
    await this.bounded(this.redis.timelineBegin(entries, meta, pulled, this.options.ttlMs), 'beginRebuild');
  }

  async completeRebuild(
    userId: bigint,
    rebuilt: readonly TimelineEntry[],
    floor: bigint,
    pulledAuthors: readonly bigint[] = [],
  ): Promise<void> {
    const { entries, meta, pulled, keptOut } = this.keys(userId);
    const { maxEntries, ttlMs } = this.options;
    const authors = [...new Set(pulledAuthors)].map(String);
    await this.bounded(
      this.redis.timelineComplete(
        entries,
        meta,
        pulled,
        keptOut,
        floor.toString(),
        maxEntries,
        ttlMs,
        authors.length,
        ...authors,
        ...pairs(rebuilt),
      ),
      'completeRebuild',
    );
    await this.bounded(replicated(this.redis, [meta]), 'completeRebuild');
  }

  async insert(userIds: readonly bigint[], entry: TimelineEntry): Promise<number> {
    const [tweetId, authorId] = pair(entry) as [string, string];
    const active = await this.activeAmong(userIds);
    const replies = await this.bounded(
      pipelinePerNode(this.redis, active, {
        key: (userId) => this.keys(userId).meta,
        add: (pipeline, userId) => {
          const { entries, meta, keptOut } = this.keys(userId);
          scripted(pipeline).timelineInsert(
            entries,
            meta,
            keptOut,
            this.options.maxEntries,
            tweetId,
            authorId,
          );
        },
      }),
      'insert',
    );
    await this.bounded(
      replicated(
        this.redis,
        active.map((userId) => this.keys(userId).meta),
      ),
      'insert',
    );
    return replies.reduce<number>((sum, inserted) => sum + Number(inserted), 0);
  }

  async merge(userId: bigint, merged: readonly TimelineEntry[], floor: bigint): Promise<void> {
    if (merged.length === 0) return;
    const { entries, meta, keptOut } = this.keys(userId);
    await this.bounded(
      this.redis.timelineMerge(
        entries,
        meta,
        keptOut,
        this.options.maxEntries,
        floor.toString(),
        ...pairs(merged),
      ),
      'merge',
    );
    await this.bounded(replicated(this.redis, [meta]), 'merge');
  }

  async remove(userIds: readonly bigint[], tweetId: bigint): Promise<void> {
    const id = tweetId.toString();
    const active = await this.activeAmong(userIds);
    await this.bounded(
      pipelinePerNode(this.redis, active, {
        key: (userId) => this.keys(userId).entries,
        add: (pipeline, userId) => scripted(pipeline).timelineRemove(this.keys(userId).entries, id),
      }),
      'remove',
    );
    await this.bounded(
      replicated(
        this.redis,
        userIds.map((userId) => this.keys(userId).entries),
      ),
      'remove',
    );
  }

  async setPulled(userIds: readonly bigint[], authorId: bigint, pulled: boolean): Promise<void> {
    const author = authorId.toString();
    await this.bounded(
      pipelinePerNode(this.redis, userIds, {
        key: (userId) => this.keys(userId).meta,
        add: (pipeline, userId) => {
          const keys = this.keys(userId);
          scripted(pipeline).timelineSetPulled(keys.meta, keys.pulled, author, pulled ? '1' : '0');
        },
      }),
      'setPulled',
    );
    await this.bounded(
      replicated(
        this.redis,
        userIds.map((userId) => this.keys(userId).meta),
      ),
      'setPulled',
    );
  }

  async unfollowed(userId: bigint, authorId: bigint): Promise<void> {
    const { entries, meta, pulled, keptOut } = this.keys(userId);
    await this.bounded(
      this.redis.timelineUnfollowed(entries, meta, pulled, keptOut, authorId.toString(), this.options.ttlMs),
      'unfollowed',
    );
    await this.bounded(replicated(this.redis, [meta]), 'unfollowed');
  }

  async followed(userId: bigint, authorId: bigint, pulls: boolean): Promise<void> {
    const { meta, pulled, keptOut } = this.keys(userId);
    await this.bounded(
      this.redis.timelineFollowed(meta, pulled, keptOut, authorId.toString(), pulls ? '1' : '0'),
      'followed',
    );
    await this.bounded(replicated(this.redis, [meta]), 'followed');
  }

  async forget(userId: bigint): Promise<void> {
    const { entries, meta, pulled } = this.keys(userId);
    await this.bounded(this.redis.unlink(entries, meta, pulled), 'forget');
    await this.bounded(replicated(this.redis, [meta]), 'forget');
  }

  /** Milliseconds the reader's timeline has left, or null if it has none (for operators and tests). */
  async ttlRemaining(userId: bigint): Promise<number | null> {
    const ttl = await this.bounded(this.redis.pttl(this.keys(userId).meta), 'ttlRemaining');
    return ttl < 0 ? null : ttl;
  }

  /** Deletes this cache's keys (only those under its prefix) on every node; not bounded, it walks the keyspace. */
  async clear(): Promise<void> {
    await unlinkMatching(this.redis, timelinePattern(this.prefix));
    await unlinkMatching(this.redis, activeReadersPattern(this.prefix));
    this.vouched.clear();
  }

  /** Resolves if Redis (every master of a cluster) answers within `timeoutMs` (default 1 s); for readiness probes. */
  ping(timeoutMs = Math.min(this.timeoutMs, DEFAULT_REDIS_TIMEOUT_MS)): Promise<void> {
    return pingRedis(this.redis, timeoutMs);
  }

  async close(): Promise<void> {
    if (!this.options.ownsConnection) return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** A pipeline carries the connection's scripts too; its methods queue and return the pipeline. */
const scripted = (pipeline: ChainableCommander) =>
  pipeline as unknown as {
    [K in keyof TimelineScripts]: (...args: Parameters<TimelineScripts[K]>) => unknown;
  };
