import type { Anatomy } from './anatomy.js';
import type { CapacitySamples } from './capacity-samples.js';
import type { LoadResult } from './load.js';

export type Latency = { p50: number; p99: number; errors: number };

/** Everything one run measured (also written, raw, to bench/results/latest.json). */
export interface Figures {
  command: string;
  /** The commit measured (read when the run starts), with `+` if the working tree had changes. */
  commit: string;
  /** The machine measured on (cores × CPU model, memory, Node.js), so a report rewritten elsewhere still names it. */
  machine?: string;
  /** Where the CPU went in three scenarios, for the capacity model (and the report's reasons). */
  capacity?: CapacitySamples;
  size: string;
  durationSeconds: number;
  rate: number;
  /** The mixed load's weights by operation. */
  mix: Partial<Record<string, number>>;
  threshold: number;
  graph?: {
    accounts: number;
    follows: number;
    medianFollowing: number;
    medianFollowers: number;
    maxFollowers: number;
    celebrities: number;
    loadSeconds?: number;
  };
  coldStart?: { readers: number; medianFollowing: number; p50: number; p99: number };
  anatomy?: Anatomy;
  coldAnatomy?: Anatomy;
  memory?: {
    timelines: number;
    entries: number;
    /** `MEMORY USAGE` of the timelines' keys, per entry. */
    bytesPerEntry: number;
    /** How much Redis grew while the timelines were built, per entry (tweet bodies cached by those reads included). */
    grewPerEntry?: number;
  };
  /** Pipelined list commands, the kind timelines use (older runs measured ZADD and ZREVRANGE instead). */
  redisCeiling?: { lpush?: number; lrange?: number; zadd?: number; zrevrange?: number };
  postgresCeiling?: { transactionsPerSecond: number; latencyMs: number };
  posts?: {
    postsPerSecond: number;
    seconds: number;
    completedPerSecond: number;
    errorReasons: Record<string, number>;
    drainedAfterSeconds: number;
  } & Latency;
  httpCeiling?: { throughput: number; pageBytes: number } & Latency;
  maxHome?: { throughput: number } & Latency;
  steady?: {
    throughput: number;
    operations: LoadResult['operations'];
    fanoutLagP99: number | null;
    /** Cumulative `[le seconds, count]` of the fanout-lag histogram, for its chart. */
    fanoutLagBuckets?: [number, number][];
    insertsPerPost: number;
    /** Home reads served from a cached timeline, of all home reads (from the api's metrics). */
    hitRate?: number;
  };
  fanout?: {
    tweets: number;
    deliveries: number;
    seconds: number;
    perSecond: number;
    followersVisitedPerSecond?: number;
  };
  /** The fanout models under one load (the steady mix plus the largest account posting once a second). */
  models?: Partial<
    Record<
      'hybrid' | 'push' | 'pull',
      {
        posts: number;
        writesPerPost: number;
        home: Latency;
        fanoutLagP99Ms: number | null;
        drainedAfterSeconds: number;
      }
    >
  >;
  embedded?: { homeReadsPerSecond: number; postsPerSecond: number };
  maxRate?: {
    rate: number;
    homeP99BoundMs: number;
    steps: Array<{ rate: number; seconds: number; homeP99: number; errors: number; sustained: boolean }>;
  };
  spike?: {
    errorReasons?: Record<string, number>;
    postsPerSecond: number;
    seconds: number;
    posts: number;
    peakLag: number;
    drainedAfterSeconds: number;
    lag: Array<{ second: number; pending: number; postedPerSecond?: number; appliedPerSecond?: number }>;
  } & Latency;
  storm?: {
    seconds: number;
    stormPosts: number;
    stormErrors: number;
    home: Latency;
    post: Latency;
    fanoutLagP99Ms: number | null;
    celebrityLagP99Ms: number | null;
  };
  search?: {
    tweets: number;
    loadSeconds: number;
    queries: number;
    matchedShare: number;
    p50: number;
    p99: number;
    kinds: Record<string, { p50: number; p99: number }>;
  };
}
