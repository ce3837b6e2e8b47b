import { writeFile } from 'node:fs/promises';
import {
  type CapacityFigures,
  DESIGN,
  type Input,
  type PerCore,
  PLANNING,
  perCoreInputs,
  round,
  thresholdShape,
} from './capacity-inputs.js';

/**
 * docs/capacity.md: how many of each node the design's load needs, for hybrid, pure push and pure pull, from the
 * per-core figures one benchmark run measured (or, where it could not, from stated assumptions).
 */
const DAY = 86_400;

interface Plan {
  apiCores: number;
  fanoutCores: number;
  redisWriteCores: number;
  redisReadCores: number;
  redisBytes: number;
  postgresPrimaries: number;
  postgresReadCores: number;
  deliveriesPerDay: number;
}

function plan(
  model: 'hybrid' | 'push' | 'pull',
  p: PerCore,
  options: { deliveryScale?: number; timelineShare?: number; mergedPerRead?: number } = {},
): Plan {
  const u = PLANNING.utilisation.value;
  const scale = options.deliveryScale ?? 1;
  const deliveriesPerDay =
    model === 'pull' ? 0 : DESIGN.deliveriesPerDay * scale * (model === 'push' ? p.pushFactor.value : 1);
  const peakDeliveries = (deliveriesPerDay / DAY) * PLANNING.peakFactor.value;
  const timelines = DESIGN.monthlyUsers * (options.timelineShare ?? DESIGN.dailyUsers / DESIGN.monthlyUsers);
  // A hybrid read merges the followed celebrities' lists: one more Redis read each.
  const listsPerRead = model === 'hybrid' ? 1 + (options.mergedPerRead ?? 0) : model === 'push' ? 1 : 0;
  const apiCores =
    DESIGN.readsPerSecond / (p.readsPerApiCore.value * u) +
    DESIGN.spikePostsPerSecond / (p.postsPerApiCore.value * u);
  const readsOnPostgres =
    model === 'pull'
      ? DESIGN.readsPerSecond * p.pullReadSeconds.value
      : DESIGN.readsPerSecond * PLANNING.missRatio.value * p.rebuildSeconds.value;
  return {
    apiCores,
    fanoutCores: peakDeliveries / (p.deliveriesPerFanoutCore.value * u),
    redisWriteCores: peakDeliveries / (p.deliveriesPerRedisCore.value * u),
    redisReadCores: (DESIGN.readsPerSecond * listsPerRead) / (p.redisReadsPerCore.value * u),
    redisBytes: model === 'pull' ? 0 : timelines * DESIGN.entriesPerTimeline * p.bytesPerEntry.value,
    postgresPrimaries:
      (DESIGN.spikePostsPerSecond * PLANNING.commitsPerPost.value) / (p.commitsPerPostgresNode.value * u),
    postgresReadCores: readsOnPostgres / u,
    deliveriesPerDay,
  };
}

const up = (n: number) => Math.max(1, Math.ceil(n));
const machines = (cores: number) => up(cores / PLANNING.machineCores.value);
/** Redis Cluster shards: enough primaries for the work (one core each) and for the memory; one replica each. */
const shards = (x: Plan) =>
  x.redisBytes === 0 && x.redisWriteCores + x.redisReadCores < 0.01
    ? 0
    : up(Math.max(x.redisWriteCores + x.redisReadCores, x.redisBytes / PLANNING.shardBytes.value));
const gb = (bytes: number) => `${round(bytes / 1e9)} GB`;

function table(plans: Record<'hybrid' | 'push' | 'pull', Plan>): string {
  const cols = ['hybrid', 'push', 'pull'] as const;
  const row = (label: string, value: (x: Plan) => string) =>
    `| ${label} | ${cols.map((c) => value(plans[c])).join(' | ')} |`;
  return [
    '| | hybrid | pure push | pure pull |',
    '|---|---|---|---|',
    row('timeline deliveries per day', (x) =>
      x.deliveriesPerDay ? `${round(x.deliveriesPerDay / 1e9)} B` : '—',
    ),
    row('`api` cores (machines)', (x) => `${up(x.apiCores)} (${machines(x.apiCores)})`),
    row('`fanout` cores (machines)', (x) =>
      x.fanoutCores ? `${up(x.fanoutCores)} (${machines(x.fanoutCores)})` : '—',
    ),
    row('Redis cores: writes + reads', (x) =>
      x.redisWriteCores + x.redisReadCores ? `${round(x.redisWriteCores)} + ${round(x.redisReadCores)}` : '—',
    ),
    row('Redis memory for timelines', (x) => (x.redisBytes ? gb(x.redisBytes) : '—')),
    row('Redis Cluster shards (× 2 with replicas)', (x) => {
      const n = shards(x);
      return n ? `${n} (${2 * n} nodes)` : '—';
    }),
    row('PostgreSQL primaries for the write spike', (x) => `${up(x.postgresPrimaries)}`),
    row('PostgreSQL replica cores for reads (machines)', (x) =>
      x.postgresReadCores ? `${up(x.postgresReadCores)} (${machines(x.postgresReadCores)})` : '—',
    ),
  ].join('\n');
}

const inputRow = (name: string, input: Input, unit: string) => {
  const value = unit === '%' ? `${round(input.value * 100)}%` : `${round(input.value)} ${unit}`.trim();
  return `| ${name} | ${value} | ${input.measured ? 'measured' : '**assumed**'}: ${input.source} |`;
};

export function capacityReport(f: CapacityFigures): string {
  const p = perCoreInputs(f);
  const plans = { hybrid: plan('hybrid', p), push: plan('push', p), pull: plan('pull', p) };
  const shape = thresholdShape(f, [0.25, 0.5, 1, 2, 4]);
  const atRun = shape.find((s) => s.multiple === 1);
  plans.hybrid = plan('hybrid', p, { mergedPerRead: atRun?.mergedPerRead ?? 0 });
  const sampled = Boolean(f.capacity?.homeApiCores);
  const spikeBacklogSeconds = (() => {
    const perPost = DESIGN.deliveriesPerDay / DAY / DESIGN.postsPerSecond;
    const capacity = up(plans.hybrid.fanoutCores) * p.deliveriesPerFanoutCore.value;
    const excess = DESIGN.spikePostsPerSecond * perPost - capacity;
    return excess <= 0 ? 0 : (excess * 60) / capacity;
  })();

  return `# Capacity model

Generated by \`npm run bench -- --capacity\` from the figures of one benchmark run: \`${f.command}\` at commit
\`${f.commit}\` (${f.size} graph: ${f.graph?.accounts.toLocaleString('en-US') ?? '?'} accounts, ${f.graph?.follows.toLocaleString('en-US') ?? '?'} follows).
${
  sampled
    ? 'The run sampled the CPU each process used, so the api and fanout figures are per core used.'
    : `**Provisional:** that run did not sample CPU per process, so the api and fanout figures are per process (each got at
most one of this machine's two cores, shared with PostgreSQL, Redis, NATS and the load generator): the real per-core
figures are higher and the node counts below are upper bounds. The next full run (\`npm run bench -- --size medium
--capacity\`) samples CPU and rewrites this page.`
}

## The design's load

${DESIGN.readsPerSecond.toLocaleString('en-US')} home reads/s; ${DESIGN.postsPerSecond.toLocaleString('en-US')} posts/s on average with spikes of ${DESIGN.spikePostsPerSecond.toLocaleString('en-US')}/s;
${DESIGN.deliveriesPerDay / 1e9}B timeline deliveries a day (${round(DESIGN.deliveriesPerDay / DAY)}/s on average); ${DESIGN.dailyUsers / 1e6}M daily users with ${DESIGN.entriesPerTimeline}
cached entries each.

## Nodes needed

${table(plans)}

Read the columns side by side: hybrid is Starling's design; pure push delivers every post to every follower's cached
timeline (celebrities included); pure pull caches nothing and answers every home read with a query over the reader's
followees. Cores are planned at ${PLANNING.utilisation.value * 100}% of what they sustained here; machines have ${PLANNING.machineCores.value} cores.
A Redis shard is one single-threaded primary (and its replica); PostgreSQL primaries are counted in nodes like this
machine, because the commit ceiling was measured on it. Under a ${DESIGN.spikePostsPerSecond.toLocaleString('en-US')} posts/s spike lasting a minute, the
hybrid fanout fleet sized above falls behind by ${round(spikeBacklogSeconds)} s of work, which the log holds and the fleet
drains afterwards; the posts themselves are committed at once (the api and PostgreSQL rows are sized for the spike).

## Inputs

| input | value | where it comes from |
|---|---|---|
${inputRow('home reads per api core', p.readsPerApiCore, '/s')}
${inputRow('posts per api core', p.postsPerApiCore, '/s')}
${inputRow('deliveries per fanout core', p.deliveriesPerFanoutCore, '/s')}
${inputRow('deliveries per Redis core', p.deliveriesPerRedisCore, '/s')}
${inputRow('timeline reads per Redis core', p.redisReadsPerCore, '/s')}
${inputRow('Redis bytes per cached entry', p.bytesPerEntry, 'B')}
${inputRow('PostgreSQL commits per node', p.commitsPerPostgresNode, '/s')}
${inputRow('database time of a pull read', { ...p.pullReadSeconds, value: p.pullReadSeconds.value * 1_000 }, 'ms')}
${inputRow('database time of a rebuild', { ...p.rebuildSeconds, value: p.rebuildSeconds.value * 1_000 }, 'ms')}
${inputRow('push deliveries over hybrid', p.pushFactor, '×')}
${inputRow('planned utilisation', PLANNING.utilisation, '%')}
${inputRow('daily peak over average', PLANNING.peakFactor, '×')}
${inputRow('home reads that rebuild', PLANNING.missRatio, '%')}
${inputRow('commits per post', PLANNING.commitsPerPost, '')}
${inputRow('celebrity lists merged per hybrid read', { value: atRun?.mergedPerRead ?? 0, source: 'followed authors above the threshold per account, bench graph', measured: true }, '')}

How the figures from this 2-core machine would move on production machines: the api and fanout processes are
single-threaded Node.js, so a per-core figure is what one process does with a core of its own; here every process
shared two cores with PostgreSQL, Redis, NATS and the load generator, so each figure is low, most for the api (its
reads also wait on PostgreSQL and Redis on the same cores). The Redis figures are redis-benchmark's ceilings on the
same cores, also low. PostgreSQL's commit ceiling is bounded by this machine's WAL flush (a cloud disk's fsync); a
server with a battery-backed or NVMe log commits several times as many. Times taken as database CPU (pull reads,
rebuilds) include queueing and round trips here, so they overstate the CPU and the replica counts.

## Sensitivity: the celebrity threshold

Share of follow edges pushed, relative to the run's threshold of ${f.threshold.toLocaleString('en-US')} followers, on the bench graph's
power law (every author assumed to post at the same rate), and what that does to the hybrid plan. Lower thresholds
push less and merge more lists per read; at the top, almost everything is pushed (pure push's side of the table).

| threshold | celebrities | edges pushed | lists merged per read | deliveries/day | fanout cores | Redis cores (w + r) |
|---|---|---|---|---|---|---|
${shape
  .map((s) => {
    const x = plan('hybrid', p, { deliveryScale: s.pushedShare, mergedPerRead: s.mergedPerRead });
    return `| ${s.threshold.toLocaleString('en-US')} | ${s.celebrities} | ${(s.pushedShare * 100).toFixed(0)}% | ${(1 + s.mergedPerRead).toFixed(2)} | ${round(x.deliveriesPerDay / 1e9)} B | ${up(x.fanoutCores)} | ${round(x.redisWriteCores)} + ${round(x.redisReadCores)} |`;
  })
  .join('\n')}

At the design's scale the tail is longer than the bench graph's (accounts with 100M followers, not 85K), so a
threshold near 10K followers moves a larger share of edges to pull than here; the table gives the direction and the
order of magnitude, not the exact split.

## Sensitivity: the share of readers with a cached timeline

Fanout writes only into timelines that exist, and a timeline exists for a reader who read within
\`STARLING_ACTIVE_DAYS\`. The design's ${DESIGN.deliveriesPerDay / 1e9}B deliveries count every follower; the ${DESIGN.dailyUsers / 1e6}M cached timelines are the daily
users (${((DESIGN.dailyUsers / DESIGN.monthlyUsers) * 100).toFixed(0)}% of ${DESIGN.monthlyUsers / 1e6}M monthly). With a share *a* of accounts holding a timeline, deliveries scale by *a* and memory
with the number of timelines:

| share with a timeline | deliveries/day | fanout cores | Redis write cores | Redis memory | shards |
|---|---|---|---|---|---|
${[0.1, 0.2, 0.5, 1]
  .map((a) => {
    const x = plan('hybrid', p, {
      deliveryScale: a,
      timelineShare: a,
      mergedPerRead: atRun?.mergedPerRead ?? 0,
    });
    return `| ${(a * 100).toFixed(0)}% | ${round(x.deliveriesPerDay / 1e9)} B | ${up(x.fanoutCores)} | ${round(x.redisWriteCores)} | ${gb(x.redisBytes)} | ${shards(x)} |`;
  })
  .join('\n')}

Thirty days of activity (the default) keeps timelines for roughly the monthly users, five times the daily ones:
memory is the first thing a shorter \`STARLING_ACTIVE_DAYS\` saves.
`;
}

export async function writeCapacity(figures: CapacityFigures, out = 'docs/capacity.md'): Promise<void> {
  await writeFile(out, capacityReport(figures));
}
