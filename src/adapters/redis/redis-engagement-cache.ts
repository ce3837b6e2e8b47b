import { Cluster } from 'ioredis';
import type { EngagementCache, TweetCounters, ViewerEngagement } from '../../ports/engagement-cache.js';
import { BEGIN_VIEWER, LOAD_VIEWER, PUT_COUNTERS, SET_VIEWER, VIEWER } from './engagement-scripts.js';
import { DEFAULT_OPERATION_TIMEOUT_MS, type RedisClient, withDeadline } from './redis-connection.js';
import { checkPrefix } from './redis-keys.js';
import { pipelinePerNode, unlinkMatching } from './redis-nodes.js';

export interface RedisEngagementCacheOptions {
  redis: RedisClient;
  /** The namespace: counters are `<prefix>:counts:<id>`, a viewer's keys `<prefix>:eng:{u:<id>}:…`. */
  prefix: string;
  /** How long counters are kept after they were written (default an hour, as tweet bodies). */
  countersTtlMs?: number;
  /** How long a viewer's state is kept after it was loaded. */
  viewerTtlMs: number;
  timeoutMs?: number;
}

interface EngagementScripts {
  engagementPutCounters(key: string, ...args: (string | number)[]): Promise<number>;
  engagementViewer(
    state: string,
    liked: string,
    retweeted: string,
    ...ids: string[]
  ): Promise<[string, number[], number[]] | null>;
  engagementBeginViewer(state: string, liked: string, retweeted: string, ttl: number): Promise<number>;
  engagementLoadViewer(
    state: string,
    liked: string,
    retweeted: string,
    ...args: (string | number)[]
  ): Promise<number>;
  engagementSetViewer(state: string, set: string, id: string, on: string, marker: string): Promise<number>;
}

const SCRIPTS = {
  engagementPutCounters: [PUT_COUNTERS, 1],
  engagementViewer: [VIEWER, 3],
  engagementBeginViewer: [BEGIN_VIEWER, 3],
  engagementLoadViewer: [LOAD_VIEWER, 3],
  engagementSetViewer: [SET_VIEWER, 2],
} as const satisfies Record<keyof EngagementScripts, readonly [string, number]>;

const DEFAULT_COUNTERS_TTL_MS = 3_600_000;

/**
 * Engagement in Redis (standalone or Cluster). A page's counters are one MGET on a standalone server, a pipeline of
 * GETs per node in a cluster; a viewer's flags for the page are one script on the viewer's node. Issued in the same
 * tick as the page's bodies, they share its round trip (the connection pipelines automatically).
 */
export class RedisEngagementCache implements EngagementCache {
  private readonly redis: RedisClient & EngagementScripts;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly countersTtlMs: number;

  constructor(private readonly options: RedisEngagementCacheOptions) {
    this.prefix = checkPrefix(options.prefix);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    this.countersTtlMs = options.countersTtlMs ?? DEFAULT_COUNTERS_TTL_MS;
    for (const [name, [lua, numberOfKeys]] of Object.entries(SCRIPTS)) {
      if (!(name in options.redis)) options.redis.defineCommand(name, { lua, numberOfKeys });
    }
    this.redis = options.redis as RedisClient & EngagementScripts;
  }

  private countersKey = (id: bigint) => `${this.prefix}:counts:${id}`;
  private viewerKeys = (viewerId: bigint) => {
    const base = `${this.prefix}:eng:{u:${viewerId}}`;
    return { state: `${base}:state`, liked: `${base}:liked`, retweeted: `${base}:rts` };
  };

  private bounded<T>(work: Promise<T>, what: string): Promise<T> {
    return withDeadline(work, this.timeoutMs, `engagement cache ${what}`);
  }

  async counters(ids: readonly bigint[]): Promise<Map<bigint, TweetCounters>> {
    const unique = [...new Set(ids)];
    const out = new Map<bigint, TweetCounters>();
    if (unique.length === 0) return out;
    const replies =
      this.redis instanceof Cluster
        ? await this.bounded(
            pipelinePerNode(this.redis, unique, {
              key: this.countersKey,
              add: (p, id) => p.get(this.countersKey(id)),
            }),
            'counters',
          )
        : await this.bounded(this.redis.mget(unique.map(this.countersKey)), 'counters');
    unique.forEach((tweetId, i) => {
      const raw = replies[i];
      if (typeof raw !== 'string') return;
      const [version, likeCount, retweetCount, replyCount] = raw.split(' ').map(Number);
      if ([version, likeCount, retweetCount, replyCount].some((n) => !Number.isSafeInteger(n))) return;
      out.set(tweetId, {
        tweetId,
        version: version as number,
        likeCount: likeCount as number,
        retweetCount: retweetCount as number,
        replyCount: replyCount as number,
      });
    });
    return out;
  }

  async putCounters(copies: readonly TweetCounters[]): Promise<void> {
    if (copies.length === 0) return;
    await this.bounded(
      pipelinePerNode(this.redis, copies, {
        key: (c) => this.countersKey(c.tweetId),
        add: (p, c) =>
          (p as unknown as EngagementScripts).engagementPutCounters(
            this.countersKey(c.tweetId),
            c.version,
            c.likeCount,
            c.retweetCount,
            c.replyCount,
            this.countersTtlMs,
          ),
      }),
      'putCounters',
    );
  }

  async viewer(viewerId: bigint, ids: readonly bigint[]): Promise<ViewerEngagement> {
    const out: ViewerEngagement = { known: new Set(), liked: new Set(), retweeted: new Set() };
    const unique = [...new Set(ids)];
    if (unique.length === 0) return out;
    const { state, liked, retweeted } = this.viewerKeys(viewerId);
    const found = await this.bounded(
      this.redis.engagementViewer(state, liked, retweeted, ...unique.map(String)),
      'viewer',
    );
    if (!found) return out;
    const from = BigInt(found[0]);
    unique.forEach((id, i) => {
      if (id < from) return;
      out.known.add(id);
      if (found[1][i] === 1) out.liked.add(id);
      if (found[2][i] === 1) out.retweeted.add(id);
    });
    return out;
  }

  async beginViewer(viewerId: bigint): Promise<void> {
    const { state, liked, retweeted } = this.viewerKeys(viewerId);
    await this.bounded(
      this.redis.engagementBeginViewer(state, liked, retweeted, this.options.viewerTtlMs),
      'beginViewer',
    );
  }

  async loadViewer(viewerId: bigint, from: bigint, liked: readonly bigint[], retweeted: readonly bigint[]) {
    const keys = this.viewerKeys(viewerId);
    await this.bounded(
      this.redis.engagementLoadViewer(
        keys.state,
        keys.liked,
        keys.retweeted,
        from.toString(),
        this.options.viewerTtlMs,
        liked.length,
        ...liked.map(String),
        ...retweeted.map(String),
      ),
      'loadViewer',
    );
  }

  async setViewer(
    viewerId: bigint,
    tweetId: bigint,
    what: 'liked' | 'retweeted',
    on: boolean,
  ): Promise<void> {
    const keys = this.viewerKeys(viewerId);
    const set = what === 'liked' ? keys.liked : keys.retweeted;
    await this.bounded(
      this.redis.engagementSetViewer(
        keys.state,
        set,
        tweetId.toString(),
        on ? '1' : '0',
        what === 'liked' ? 'l' : 'r',
      ),
      'setViewer',
    );
  }

  /** Deletes this cache's keys on every node; not bounded, it walks the keyspace. */
  async clear(): Promise<void> {
    await unlinkMatching(this.redis, `${this.prefix}:counts:*`);
    await unlinkMatching(this.redis, `${this.prefix}:eng:{u:*}:*`);
  }

  async close(): Promise<void> {}
}
