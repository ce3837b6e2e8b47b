import type { CapacitySamples } from './capacity-samples.js';
import type { Figures } from './figures.js';
import { generateGraph, SIZES } from './graph.js';

export type CapacityFigures = Figures & { capacity?: CapacitySamples };

/** One input of the model: its value, and where it comes from (a measured figure, or a stated assumption). */
export interface Input {
  value: number;
  source: string;
  measured: boolean;
}

const measured = (value: number, source: string): Input => ({ value, source, measured: true });
const assumed = (value: number, source: string): Input => ({ value, source, measured: false });

/** The design's load (docs: the architecture's scale numbers). */
export const DESIGN = {
  readsPerSecond: 116_000,
  postsPerSecond: 2_300,
  spikePostsPerSecond: 20_000,
  deliveriesPerDay: 40e9,
  dailyUsers: 100e6,
  monthlyUsers: 500e6,
  entriesPerTimeline: 800,
};

/** How the model plans, where nothing measured says otherwise. */
export const PLANNING = {
  /** Share of a core's measured capacity planned for: headroom for p99 latency and for losing a zone. */
  utilisation: assumed(0.6, 'planning rule: run cores at 60% of what they sustained'),
  /** Deliveries at the daily peak over the daily average; a write spike beyond it queues in the log. */
  peakFactor: assumed(2, 'planning rule: the daily peak is twice the average'),
  /** Home reads that find no cached timeline and rebuild it from a replica. */
  missRatio: assumed(0.05, '95% of home reads hit the cache (the alert is at 70%)'),
  /** Commits per post: the post itself, then the outbox row deleted when its fanout is acknowledged. */
  commitsPerPost: assumed(
    2,
    'the write path: one statement for the post and its outbox row, one to settle the row',
  ),
  /** Memory planned per Redis shard: small shards resync and fail over quickly. */
  shardBytes: assumed(25e9, 'planning rule: 25 GB of data per Redis Cluster shard'),
  /** Cores per machine for api, fanout and PostgreSQL nodes. */
  machineCores: assumed(16, 'machines of 16 cores'),
};

/**
 * Per-core figures from a run. Where the run sampled CPU, a figure is per core used; where it did not (runs before
 * the samples existed), it is per process, which on this 2-core machine got at most one core and shared it with
 * PostgreSQL, Redis, NATS and the load generator — so the real per-core figure is higher, and the node counts below
 * are upper bounds.
 */
export function perCoreInputs(f: CapacityFigures) {
  const s = f.capacity ?? {};
  const perCore = (throughput: number, cores: number | undefined, what: string): Input =>
    cores && cores > 0.05
      ? measured(throughput / cores, `${what}: ${round(throughput)}/s on ${cores.toFixed(2)} cores`)
      : measured(
          throughput,
          `${what}: ${round(throughput)}/s by one process (at most one core; CPU not sampled)`,
        );
  // Runs before the list ceilings measured sorted-set commands; either is a plain pipelined write and read.
  const write = f.redisCeiling?.lpush ?? f.redisCeiling?.zadd ?? 0;
  const rangeRead = f.redisCeiling?.lrange ?? f.redisCeiling?.zrevrange ?? 0;
  const usecPerDelivery =
    s.redisUsecPerCall && s.redisCallsPerDelivery ? s.redisUsecPerCall * s.redisCallsPerDelivery : undefined;
  return {
    readsPerApiCore: perCore(f.maxHome?.throughput ?? 0, s.homeApiCores, 'full-speed home reads'),
    postsPerApiCore: perCore(
      f.posts?.completedPerSecond ?? 0,
      s.postsApiCores,
      'posts completed at 500/s offered',
    ),
    deliveriesPerFanoutCore: perCore(f.fanout?.perSecond ?? 0, s.fanoutCores, 'fanout alone'),
    deliveriesPerRedisCore: usecPerDelivery
      ? measured(
          1e6 / usecPerDelivery,
          `Redis's own time per delivery: ${usecPerDelivery.toFixed(2)} µs (commandstats)`,
        )
      : assumed(
          write / 4,
          `redis-benchmark ${f.redisCeiling?.lpush ? 'LPUSH' : 'ZADD'} ceiling ${round(write)}/s ÷ 4, assuming a scripted insert costs four plain writes`,
        ),
    redisReadsPerCore: measured(
      rangeRead,
      'redis-benchmark range-read ceiling (pipelined; a timeline read script costs about as much)',
    ),
    bytesPerEntry: measured(f.memory?.bytesPerEntry ?? 0, 'MEMORY USAGE of the cached timelines, per entry'),
    commitsPerPostgresNode: measured(
      f.postgresCeiling?.transactionsPerSecond ?? 0,
      'pgbench one-row insert commits on this 2-core machine (client included)',
    ),
    pullReadSeconds: measured(
      (f.models?.pull?.home.p50 ?? 0) / 1_000,
      'median home read in the pull model: its query time, taken as database CPU',
    ),
    rebuildSeconds: measured(
      (f.coldStart?.p50 ?? 0) / 1_000,
      'median cold home read (a rebuild from the database)',
    ),
    pushFactor: measured(
      (f.models?.push?.writesPerPost ?? 0) / Math.max(1e-9, f.models?.hybrid?.writesPerPost ?? 0),
      `timeline writes per post, pure push over hybrid, on the bench graph (${round(f.models?.push?.writesPerPost ?? 0)} vs ${round(f.models?.hybrid?.writesPerPost ?? 0)})`,
    ),
  };
}

export type PerCore = ReturnType<typeof perCoreInputs>;

/**
 * The bench graph's shape at other celebrity thresholds: the share of follow edges still pushed (relative to the
 * run's threshold) and the celebrities an average reader merges. Assumes every author posts at the same rate.
 */
export function thresholdShape(f: CapacityFigures, multiples: readonly number[]) {
  const size = SIZES[f.size];
  if (!size) return [];
  const graph = generateGraph(size, 42);
  const followers = graph.followers;
  const edgesBelow = (threshold: number) => {
    let pushed = 0;
    for (const count of followers) if (count < threshold) pushed += count;
    return pushed;
  };
  const base = edgesBelow(f.threshold);
  return multiples.map((multiple) => {
    const threshold = Math.round(f.threshold * multiple);
    let merged = 0;
    for (const [, followee] of graph.follows) if ((followers[followee] ?? 0) >= threshold) merged += 1;
    return {
      multiple,
      threshold,
      pushedShare: edgesBelow(threshold) / Math.max(1, base),
      celebrities: followers.filter((count) => count >= threshold).length,
      mergedPerRead: merged / graph.accounts,
    };
  });
}

export const round = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
