/**
 * `npm run bench`: Starling's figures beside the machine's ceilings, measured in one run. See docs/benchmarks.md for
 * what each scenario does; the report and bench/results/latest.json are rewritten by every run.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEFAULT_LOG_SETTINGS } from '../src/adapters/memory/memory-event-log.js';
import { NatsEventLog } from '../src/adapters/nats/nats-event-log.js';
import { openPgClient } from '../src/adapters/postgres/pg-client.js';
import { migrate } from '../src/adapters/sql/migrate.js';
import { readAnatomy } from './anatomy.js';
import { writeCapacity } from './capacity.js';
import { type CapacitySamples, cpuCores, redisCallStats } from './capacity-samples.js';
import { registerAccounts } from './client.js';
import { generateGraph, loadGraph, SIZES, tokenOf } from './graph.js';
import { type LoadJob, type LoadResult, MIX_OPERATIONS, type Operation } from './load.js';
import {
  buckets,
  metric,
  output,
  quantile,
  quantileOf,
  runLoad,
  startCeiling,
  startPullApi,
  startStarling,
} from './processes.js';
import { type Figures, writeReport } from './report.js';
import { loadSearchCorpus, type SearchKind, searchQueries } from './search.js';
import { requireWrk, wrk } from './wrk.js';

const DEFAULT_OUT = 'docs/benchmarks.md';
const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    duration: { type: 'string', default: '30' },
    rate: { type: 'string', default: '300' },
    seed: { type: 'string', default: '42' },
    'search-tweets': { type: 'string', default: '1000000' },
    out: { type: 'string', default: DEFAULT_OUT },
    /** Rewrite the report from this run's raw numbers (e.g. bench/results/latest.json) instead of measuring. */
    from: { type: 'string' },
    mix: { type: 'string', default: 'home=60,account=30,post=10' },
    /** Also write docs/capacity.md, the capacity model, from this run's figures. */
    capacity: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

const size = SIZES[args.size as string];
if (!size) {
  console.error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  process.exit(2);
}
/** `--mix home=60,account=30,post=10[,follow=…,like=…]`: the weights of the mixed load's operations. */
function parseMix(text: string): Partial<Record<Operation, number>> {
  const mix: Partial<Record<Operation, number>> = {};
  for (const part of text.split(',')) {
    const [op, weight] = part.split('=');
    const value = Number(weight);
    if (!MIX_OPERATIONS.includes(op as (typeof MIX_OPERATIONS)[number]) || !(value >= 0)) {
      console.error(`--mix takes op=weight pairs, ops from ${MIX_OPERATIONS.join(', ')}; not "${part}"`);
      process.exit(2);
    }
    mix[op as Operation] = value;
  }
  if (Object.values(mix).every((w) => w === 0)) {
    console.error('--mix needs a weight above 0');
    process.exit(2);
  }
  return mix;
}

const mix = parseMix(args.mix as string);
const seedTweets = size.accounts * size.tweetsPerAccount;
const durationMs = Number(args.duration) * 1_000;
const rate = Number(args.rate);
const seed = Number(args.seed);
// A handful of celebrities: about the ten accounts that 40% or more of everyone follows.
const threshold = Math.max(100, Math.round(size.accounts * 0.4));
const NAMESPACE = 'bench';
const postgresUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/starling_bench';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const natsUrl = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const API = { port: 3811, base: 'http://127.0.0.1:3811' };
const FANOUT = { port: 3812, base: 'http://127.0.0.1:3812' };
const CEILING = { port: 3813, base: 'http://127.0.0.1:3813' };
const say = (text: string) => console.log(`[bench] ${text}`);
requireWrk();
const figures: Figures = {
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  commit: `${execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim()}${
    execFileSync('git', ['status', '--porcelain', '--untracked-files=no']).toString().trim() ? '+' : ''
  }`,
  size: args.size as string,
  durationSeconds: durationMs / 1_000,
  rate,
  mix,
  threshold,
};
const samples: CapacitySamples = {};
Object.assign(figures, { capacity: samples });

async function recreateDatabase() {
  const url = new URL(postgresUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

function redisCli(...command: string[]): string {
  const url = new URL(redisUrl);
  return execFileSync('redis-cli', ['-h', url.hostname, '-p', url.port || '6379', ...command], {
    maxBuffer: 1 << 30,
  }).toString();
}

/** Deletes the benchmark's Redis keys: all of them, or one kind (`celebrity`: the celebrities' recent lists). */
function flushNamespace(kind?: string) {
  const pattern = kind ? `${NAMESPACE}:${kind}:*` : `${NAMESPACE}:*`;
  const keys = redisCli('--scan', '--pattern', pattern).split('\n').filter(Boolean);
  for (let i = 0; i < keys.length; i += 1_000) redisCli('UNLINK', ...keys.slice(i, i + 1_000));
}

const redisUsedMemory = () => Number(/used_memory:(\d+)/.exec(redisCli('INFO', 'memory'))?.[1] ?? 0);

/**
 * Redis's pipelined ceilings for the commands timelines use — they are lists: LPUSH (what an insert at the head
 * does) and LRANGE of a 50-entry page (100 elements) — from redis-benchmark's C client, 32 commands per pipeline.
 */
async function redisCeilings() {
  const url = new URL(redisUrl);
  const common = ['-h', url.hostname, '-p', url.port || '6379', '-n', '300000', '-P', '32', '-q'];
  const parse = (text: string) => Number(/([\d.]+) requests per second/.exec(text)?.[1] ?? 0);
  const key = 'bench:ceiling:list:{t}';
  const lpush = parse(
    await output('redis-benchmark', [...common, '-r', '1000000', 'lpush', key, '__rand_int__']),
  );
  redisCli('LTRIM', key, '0', '799');
  const lrange = parse(await output('redis-benchmark', [...common, 'lrange', key, '0', '99']));
  redisCli('DEL', key);
  return { lpush, lrange };
}

/**
 * An open-loop load on the api: requests on schedule at `rate`, from the first `readers` accounts' sessions, over
 * the graph's `accounts` (for account timelines, follows and likes).
 */
const openLoad = (
  who: { readers: number; accounts: number },
  load: Pick<LoadJob, 'rate' | 'durationMs' | 'mix' | 'seed'>,
) => runLoad({ base: API.base, mode: 'open', concurrency: 0, tweets: seedTweets, ...who, ...load });

async function readEach(readers: number[], concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < readers.length) {
        const reader = readers[next++] as number;
        const started = performance.now();
        const response = await fetch(`${API.base}/api/v1/timelines/home?limit=40`, {
          headers: { authorization: `Bearer ${tokenOf(reader)}` },
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`home read answered ${response.status}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function drained(timeoutMs = 300_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const backlog = await metric(FANOUT.base, 'starling_outbox_backlog');
    const pending = await metric(FANOUT.base, 'starling_log_consumer_pending');
    if (backlog === 0 && pending === 0) return (performance.now() - started) / 1_000;
    if (performance.now() - started > timeoutMs) throw new Error('fanout did not drain');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function services() {
  say(`generating a ${args.size} graph (seed ${seed})`);
  const graph = generateGraph(size as NonNullable<typeof size>, seed);
  const followerCounts = [...graph.followers].sort((a, b) => a - b);
  figures.graph = {
    accounts: graph.accounts,
    follows: graph.follows.length,
    medianFollowing: percentile([...graph.following], 50),
    medianFollowers: followerCounts[Math.floor(followerCounts.length / 2)] ?? 0,
    maxFollowers: followerCounts.at(-1) ?? 0,
    celebrities: followerCounts.filter((c) => c >= threshold).length,
  };
  await recreateDatabase();
  // The benchmark's own connection loads corpora and runs pgbench-like work: statements of minutes, not milliseconds.
  const sql = openPgClient({
    connectionString: postgresUrl,
    timeouts: { connectMs: 10_000, statementMs: 3_600_000 },
  });
  await migrate(sql);
  const loadStarted = performance.now();
  await loadGraph(postgresUrl, graph, threshold, say);
  figures.graph.loadSeconds = (performance.now() - loadStarted) / 1_000;
  flushNamespace();
  // A fresh database numbers its outbox from 1 again; JetStream would drop those ids as duplicates of the last run's.
  const stale = await NatsEventLog.open({
    servers: natsUrl,
    prefix: NAMESPACE,
    settings: DEFAULT_LOG_SETTINGS,
  });
  await stale.destroy();
  await stale.close();

  const env = {
    DATABASE_URL: postgresUrl,
    REDIS_URL: redisUrl,
    NATS_URL: natsUrl,
    STARLING_NAMESPACE: NAMESPACE,
    STARLING_CELEBRITY_THRESHOLD: String(threshold),
  };
  const startApi = (extra: Record<string, string> = {}) =>
    startStarling('api', { ...env, PORT: String(API.port), ...extra }, API.port);
  const startFanout = (extra: Record<string, string> = {}) =>
    startStarling('fanout', { ...env, STARLING_METRICS_PORT: String(FANOUT.port), ...extra }, FANOUT.port);
  let api = await startApi();
  let fanout = await startFanout();
  await drained();

  // Cold start: readers who follow about 1,000 accounts (or the most there are), each reading for the first time.
  const target = Math.min(1_000, Math.max(...graph.following));
  const byDistance = [...Array(graph.accounts).keys()].sort(
    (a, b) => Math.abs((graph.following[a] ?? 0) - target) - Math.abs((graph.following[b] ?? 0) - target),
  );
  const cold = byDistance.slice(0, 200);
  // A fresh process compiles and connects on its first requests: warm it on readers far from the measured ones,
  // so the figure is a cache miss and not the process's own start.
  await readEach(byDistance.slice(-50), 4);
  const memoryBefore = redisUsedMemory();
  const coldLatencies = await readEach(cold, 4);
  figures.coldStart = {
    readers: cold.length,
    medianFollowing: percentile(
      cold.map((r) => graph.following[r] ?? 0),
      50,
    ),
    p50: percentile(coldLatencies, 50),
    p99: percentile(coldLatencies, 99),
  };
  say(`cold start p99 ${figures.coldStart.p99.toFixed(1)} ms`);
  // The next hundred such readers, step by step.
  figures.coldAnatomy = await readAnatomy(env, byDistance.slice(200, 300).map(tokenOf), {
    warmUp: byDistance.slice(-100, -50).map(tokenOf),
  });

  // Warm the active readers' timelines (the first reads are rebuilds), then measure Redis bytes per entry.
  const readers = Math.min(graph.accounts, 5_000);
  await readEach([...Array(readers).keys()], 16);
  const keys = redisCli('--scan', '--pattern', `${NAMESPACE}:home:*`).split('\n').filter(Boolean);
  let entries = 0;
  let timelines = 0;
  let bytes = 0;
  // Entries, timelines, and what Redis reports each timeline key to take (value, key and bookkeeping).
  const script = `local n, z, b = 0, 0, 0
    for _, k in ipairs(KEYS) do
      if redis.call('TYPE', k).ok == 'list' then n = n + redis.call('LLEN', k) / 2; z = z + 1 end
      b = b + redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')
    end
    return {n, z, b}`;
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const [n, z, b] = redisCli('EVAL', script, String(batch.length), ...batch)
      .trim()
      .split('\n')
      .map(Number);
    entries += n ?? 0;
    timelines += z ?? 0;
    bytes += b ?? 0;
  }
  figures.memory = {
    timelines,
    entries,
    bytesPerEntry: bytes / Math.max(entries, 1),
    grewPerEntry: (redisUsedMemory() - memoryBefore) / Math.max(entries, 1),
  };
  say(`redis: ${figures.memory.bytesPerEntry.toFixed(1)} bytes per cached entry over ${entries} entries`);

  say('a cached home read, step by step');
  const warmReaders = Array.from({ length: 1_000 }, (_, i) => tokenOf((i * 7919) % readers));
  figures.anatomy = await readAnatomy(env, warmReaders, { warmUp: warmReaders.slice(0, 50) });

  // A real 50-tweet home page, for the HTTP ceiling.
  const page = await (
    await fetch(`${API.base}/api/v1/timelines/home?limit=40`, {
      headers: { authorization: 'Bearer benchtoken000000000001' },
    })
  ).text();
  const dir = await mkdtemp(join(tmpdir(), 'starling-bench-'));
  await writeFile(join(dir, 'page.json'), page);

  say('ceilings: redis-benchmark, pgbench, bare Fastify');
  figures.redisCeiling = await redisCeilings();
  const ceiling = await startCeiling(join(dir, 'page.json'), CEILING.port);
  const httpCeiling = await wrk(`${CEILING.base}/page`, durationMs / 3_000);
  await ceiling.stop();
  figures.httpCeiling = { ...httpCeiling, pageBytes: page.length };
  // pgbench ships with the PostgreSQL server; a run against a remote database may not have it.
  figures.postgresCeiling = await postgresCeiling(sql, durationMs / 3_000).catch((error: unknown) => {
    say(`no PostgreSQL ceiling: ${String(error)}`);
    return undefined;
  });

  say('home reads at full speed (closed loop)');
  const homeCpu = await cpuCores(API.base);
  // The same generator and settings as the ceiling, over every reader's session in turn.
  const maxHome = await wrk(
    `${API.base}/api/v1/timelines/home?limit=50`,
    durationMs / 3_000,
    Array.from({ length: readers }, (_, i) => tokenOf(i)),
  );
  figures.maxHome = maxHome;
  samples.homeApiCores = await homeCpu();

  say(`steady mixed load: ${rate} req/s open loop for ${durationMs / 1_000} s`);
  const insertsBefore = await metric(FANOUT.base, 'starling_timeline_inserts_total');
  const reads = async () => ({
    hits: await metric(API.base, 'starling_timeline_cache_hits_total'),
    misses: await metric(API.base, 'starling_timeline_cache_misses_total'),
  });
  const readsBefore = await reads();
  const steady = await openLoad(
    { readers, accounts: graph.accounts },
    { rate, durationMs, mix, seed: seed + 1 },
  );
  await drained();
  const readsAfter = await reads();
  const [hits, misses] = [readsAfter.hits - readsBefore.hits, readsAfter.misses - readsBefore.misses];
  const posts = steady.operations.post?.count ?? 0;
  figures.steady = {
    throughput: steady.throughput,
    operations: steady.operations,
    fanoutLagP99: await quantile(FANOUT.base, 'starling_fanout_lag_seconds', 0.99, 'stream="fanout"'),
    fanoutLagBuckets: await buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="fanout"'),
    insertsPerPost:
      ((await metric(FANOUT.base, 'starling_timeline_inserts_total')) - insertsBefore) / Math.max(posts, 1),
    hitRate: hits + misses > 0 ? hits / (hits + misses) : undefined,
  };

  figures.maxRate = await maxRateScenario(readers, graph.accounts);
  const postsCpu = await cpuCores(API.base);
  figures.posts = await postsScenario(readers, graph.accounts);
  samples.postsApiCores = await postsCpu();
  figures.spike = await spikeScenario(readers, graph.accounts);
  figures.storm = await stormScenario(readers, graph.accounts);

  // Push, pull and hybrid under the same load. Hybrid is Starling as it runs; then every author pushed; then no cache.
  const models: NonNullable<Figures['models']> = {};
  models.hybrid = await modelRun('hybrid', readers, graph.accounts);
  await Promise.all([api.stop(), fanout.stop()]);
  await sql.query("UPDATE accounts SET fanout_mode = 'push' WHERE fanout_mode <> 'push'");
  const everyonePushed = { STARLING_CELEBRITY_THRESHOLD: String(2 ** 31 - 1) };
  [api, fanout] = await Promise.all([startApi(everyonePushed), startFanout(everyonePushed)]);
  models.push = await modelRun('push', readers, graph.accounts);
  await Promise.all([api.stop(), fanout.stop()]);
  await sql.query("UPDATE accounts SET fanout_mode = 'pull' WHERE followers_count >= $1", [threshold]);
  flushNamespace('celebrity');
  api = await startPullApi({ ...env, PORT: String(API.port) }, API.port);
  models.pull = await modelRun('pull', readers, graph.accounts);
  await api.stop();
  [api, fanout] = await Promise.all([startApi(), startFanout()]);
  await drained();
  figures.models = models;

  say('fanout throughput alone');
  await fanout.stop();
  const authors = [...Array(readers).keys()]
    .filter((a) => (graph.followers[a] ?? 0) < threshold)
    .sort((a, b) => (graph.followers[b] ?? 0) - (graph.followers[a] ?? 0))
    .slice(0, 100);
  const burst = 300;
  // Every follower of each author is visited, and the author's own timeline; only cached timelines get the entry.
  let followersVisited = 0;
  for (let i = 0; i < burst; i++) {
    const author = authors[i % authors.length] as number;
    followersVisited += (graph.followers[author] ?? 0) + 1;
    await fetch(`${API.base}/api/v1/statuses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenOf(author)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ status: `fanout burst ${i}` }),
    });
  }
  redisCli('CONFIG', 'RESETSTAT');
  fanout = await startFanout();
  const fanoutCpu = await cpuCores(FANOUT.base);
  const seconds = await drained();
  const deliveries = await metric(FANOUT.base, 'starling_timeline_inserts_total');
  samples.fanoutCores = await fanoutCpu();
  Object.assign(samples, redisCallStats(redisCli('INFO', 'commandstats'), deliveries));
  figures.fanout = {
    tweets: burst,
    deliveries,
    seconds,
    perSecond: deliveries / seconds,
    followersVisitedPerSecond: followersVisited / seconds,
  };
  say(`fanout: ${Math.round(figures.fanout.perSecond)} deliveries/s`);

  const searchTweets = Number(args['search-tweets']);
  if (searchTweets > 0) figures.search = await searchScenario(sql, searchTweets, graph.accounts);

  await fanout.stop();
  await api.stop();
  await sql.close();
  flushNamespace();
  await rm(dir, { recursive: true, force: true });
}

/** Both fanout streams' lag histograms, added bucket by bucket (the same bounds), or none while fanout is stopped. */
async function allLagBuckets(): Promise<[number, number][]> {
  const [ordinary, celebrity] = await Promise.all(
    ['fanout', 'celebrity'].map((stream) =>
      buckets(FANOUT.base, 'starling_fanout_lag_seconds', `stream="${stream}"`).catch(() => []),
    ),
  );
  return (ordinary ?? []).map(([le, count], i) => [le, count + (celebrity?.[i]?.[1] ?? 0)]);
}

/**
 * One fanout model under the load where the models part: the steady mix while the largest account posts once a
 * second. Measures timeline writes per post, home-read latency, and fanout lag until the log drained (pure pull runs
 * with the fanout process stopped: it writes no timelines, and a post is in the next read).
 */
async function modelRun(model: 'hybrid' | 'push' | 'pull', readers: number, accounts: number) {
  const seconds = Math.min(30, durationMs / 1_000);
  say(`${model}: the steady mix plus the largest account posting 1/s, for ${seconds} s`);
  const pulling = model === 'pull';
  const insertsBefore = pulling ? 0 : await metric(FANOUT.base, 'starling_timeline_inserts_total');
  const lagBefore = pulling ? [] : await allLagBuckets();
  const who = { readers, accounts };
  const [mixed, celebrity] = await Promise.all([
    openLoad(who, { rate, durationMs: seconds * 1_000, mix, seed: seed + 5 }),
    openLoad(who, { rate: 1, durationMs: seconds * 1_000, mix: { storm: 1 }, seed: seed + 6 }),
  ]);
  const drainedAfterSeconds = pulling ? 0 : await drained(600_000);
  const posts = (mixed.operations.post?.count ?? 0) + (celebrity.operations.storm?.count ?? 0);
  const inserts = pulling
    ? 0
    : (await metric(FANOUT.base, 'starling_timeline_inserts_total')) - insertsBefore;
  const lagP99 = pulling ? 0 : quantileOf(await allLagBuckets(), 0.99, lagBefore);
  const result = {
    posts,
    writesPerPost: inserts / Math.max(posts, 1),
    home: pick(mixed, 'home'),
    fanoutLagP99Ms: lagP99 === null ? null : lagP99 * 1_000,
    drainedAfterSeconds,
  };
  say(
    `${model}: ${result.writesPerPost.toFixed(1)} writes/post, home p99 ${result.home.p99.toFixed(1)} ms, fanout lag p99 ${result.fanoutLagP99Ms?.toFixed(0)} ms`,
  );
  return result;
}

/** The home-read p99 a rate must hold to count as sustainable. */
const SUSTAINABLE_HOME_P99_MS = 10;

/**
 * The highest rate of the default mix that holds home-read p99 ≤ 10 ms with no errors: open-loop steps (a sixth of
 * the duration, longer when that would give fewer than 300 home reads), doubling from 25 req/s until a step fails,
 * then bisecting three times between the last pass and the first failure (0, without bisecting, when the first step
 * fails).
 */
async function maxRateScenario(readers: number, accounts: number) {
  const steps: Array<{ rate: number; seconds: number; homeP99: number; errors: number; sustained: boolean }> =
    [];
  const attempt = async (stepRate: number) => {
    // Long enough for at least 300 home reads, so the p99 is a percentile rather than the one slowest read.
    const stepMs = Math.min(60_000, Math.max(5_000, durationMs / 6, (300 / (0.6 * stepRate)) * 1_000));
    const result = await openLoad(
      { readers, accounts },
      { rate: stepRate, durationMs: stepMs, mix, seed: seed + 10 + steps.length },
    );
    await drained();
    const errors = Object.values(result.operations).reduce((sum, o) => sum + (o?.errors ?? 0), 0);
    const homeP99 = result.operations.home?.p99 ?? Number.POSITIVE_INFINITY;
    const sustained = errors === 0 && homeP99 <= SUSTAINABLE_HOME_P99_MS;
    steps.push({ rate: stepRate, seconds: stepMs / 1_000, homeP99, errors, sustained });
    say(`max rate: ${stepRate} req/s → home p99 ${homeP99.toFixed(1)} ms${sustained ? '' : ' (too slow)'}`);
    return sustained;
  };
  let low = 0;
  let high = 25;
  while (await attempt(high)) {
    low = high;
    high *= 2;
    if (high > 20_000) break;
  }
  // When even the first step fails, the bound is below what load does to latency here: bisecting down finds nothing.
  for (let i = 0; i < 3 && low > 0 && high - low > 5; i++) {
    const middle = Math.round((low + high) / 2);
    if (await attempt(middle)) low = middle;
    else high = middle;
  }
  return { rate: low, homeP99BoundMs: SUSTAINABLE_HOME_P99_MS, steps };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Posting at 500 posts/s (posts only, open loop, a third of the duration), the rate the post-latency goal names. */
async function postsScenario(readers: number, accounts: number) {
  const postsPerSecond = 500;
  const seconds = Math.max(5, durationMs / 3_000);
  say(`posts: ${postsPerSecond}/s for ${seconds} s`);
  const result = await openLoad(
    { readers, accounts },
    { rate: postsPerSecond, durationMs: seconds * 1_000, mix: { post: 1 }, seed: seed + 7 },
  );
  const drainedAfterSeconds = await drained();
  const post = result.operations.post;
  return {
    postsPerSecond,
    seconds,
    ...pick(result, 'post'),
    // Open loop: what the api got through, from the first due time to the last answer.
    completedPerSecond: (post?.count ?? 0) / result.seconds,
    errorReasons: post?.errorReasons ?? {},
    drainedAfterSeconds,
  };
}

/**
 * The PostgreSQL ceiling for writes: pgbench running one-row insert transactions (each commit waits for its WAL
 * flush, as a post's does) from 16 clients, into a scratch table.
 */
async function postgresCeiling(sql: ReturnType<typeof openPgClient>, seconds: number) {
  await sql.exec('CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, body text NOT NULL)');
  const dir = await mkdtemp(join(tmpdir(), 'starling-pgbench-'));
  const script = join(dir, 'insert.sql');
  await writeFile(script, "INSERT INTO bench_ceiling (body) VALUES ('a post-sized row of text');\n");
  const text = await output('pgbench', [
    '-n',
    '-c',
    '16',
    '-j',
    '2',
    '-T',
    String(Math.max(3, Math.round(seconds))),
    '-f',
    script,
    postgresUrl,
  ]);
  await sql.exec('DROP TABLE bench_ceiling');
  await rm(dir, { recursive: true, force: true });
  return {
    transactionsPerSecond: Number(/tps = ([\d.]+)/.exec(text)?.[1] ?? 0),
    latencyMs: Number(/latency average = ([\d.]+) ms/.exec(text)?.[1] ?? 0),
  };
}

/**
 * The write spike: ten times the steady mix's post rate, posts only, for up to 30 s. The log should absorb it: no
 * request fails, and the consumer lag (log pending plus outbox backlog, sampled each second) drains soon after.
 */
async function spikeScenario(readers: number, accounts: number) {
  const total = Object.values(mix).reduce((a, b) => a + (b ?? 0), 0);
  const postsPerSecond = Math.max(1, Math.round(((rate * (mix.post ?? 0)) / total) * 10));
  const seconds = Math.min(30, durationMs / 1_000);
  say(`write spike: ${postsPerSecond} posts/s for ${seconds} s`);
  const started = performance.now();
  const lag: NonNullable<Figures['spike']>['lag'] = [];
  let sampling = true;
  // Each second: events waiting, and since the last sample, posts committed (the api's write histogram) and events
  // fanned out (the fanout process's counter), per second.
  const counts = async () => ({
    at: performance.now(),
    posted: await metric(API.base, 'starling_tweet_write_duration_seconds_count'),
    applied: await metric(FANOUT.base, 'starling_fanout_events_total'),
  });
  const sampler = (async () => {
    let last = await counts();
    while (sampling) {
      const pending =
        (await metric(FANOUT.base, 'starling_log_consumer_pending')) +
        (await metric(FANOUT.base, 'starling_outbox_backlog'));
      const now = await counts();
      const per = (a: number, b: number) => (a - b) / Math.max((now.at - last.at) / 1_000, 0.001);
      lag.push({
        second: Math.round((now.at - started) / 100) / 10,
        pending,
        postedPerSecond: per(now.posted, last.posted),
        appliedPerSecond: per(now.applied, last.applied),
      });
      last = now;
      await sleep(1_000);
    }
  })();
  const result = await openLoad(
    { readers, accounts },
    { rate: postsPerSecond, durationMs: seconds * 1_000, mix: { post: 1 }, seed: seed + 2 },
  );
  const drainedAfterSeconds = await drained();
  sampling = false;
  await sampler;
  const spike = {
    postsPerSecond,
    seconds,
    ...pick(result, 'post'),
    errorReasons: result.operations.post?.errorReasons ?? {},
    posts: result.operations.post?.count ?? 0,
    peakLag: Math.max(0, ...lag.map((l) => l.pending)),
    drainedAfterSeconds,
    lag,
  };
  say(`spike: ${spike.errors} errors, drained ${drainedAfterSeconds.toFixed(1)} s after it ended`);
  return spike;
}

/**
 * The celebrity storm: the steady mixed load again, while the largest account (followed by half of everyone) posts
 * 10 times a second. Its tweets travel on their own stream and are pulled by readers, so ordinary fanout lag and home
 * reads should not suffer.
 */
async function stormScenario(readers: number, accounts: number) {
  const seconds = Math.min(30, durationMs / 1_000);
  say(`celebrity storm: account 0 posting 10/s for ${seconds} s under ${rate} req/s`);
  const lagBuckets = () =>
    Promise.all([
      buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="fanout"'),
      buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="celebrity"'),
    ]);
  const before = await lagBuckets();
  const who = { readers, accounts };
  const [steady, storm] = await Promise.all([
    openLoad(who, { rate, durationMs: seconds * 1_000, mix, seed: seed + 3 }),
    openLoad(who, { rate: 10, durationMs: seconds * 1_000, mix: { storm: 1 }, seed: seed + 4 }),
  ]);
  await drained();
  const after = await lagBuckets();
  const ms = (value: number | null) => (value === null ? null : value * 1_000);
  const result = {
    seconds,
    stormPosts: storm.operations.storm?.count ?? 0,
    stormErrors: storm.operations.storm?.errors ?? 0,
    home: pick(steady, 'home'),
    post: pick(steady, 'post'),
    fanoutLagP99Ms: ms(quantileOf(after[0], 0.99, before[0])),
    celebrityLagP99Ms: ms(quantileOf(after[1], 0.99, before[1])),
  };
  say(`storm: ordinary fanout lag p99 ${result.fanoutLagP99Ms?.toFixed(0)} ms`);
  return result;
}

/** Search over a corpus of `count` tweets, through the API: each kind of query, four in flight. */
async function searchScenario(sql: ReturnType<typeof openPgClient>, count: number, accounts: number) {
  say(`search: loading ${count.toLocaleString('en-US')} tweets`);
  const loadSeconds = await loadSearchCorpus(sql, count, seed, accounts, say);
  const queries = searchQueries(150, seed, accounts);
  const byKind = new Map<SearchKind, number[]>();
  const all: number[] = [];
  let matched = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < queries.length) {
        const { kind, q } = queries[next++] as (typeof queries)[number];
        const started = performance.now();
        const response = await fetch(
          `${API.base}/api/v2/search?type=statuses&q=${encodeURIComponent(q)}&limit=20`,
        );
        const body = (await response.json()) as { statuses?: unknown[] };
        const ms = performance.now() - started;
        if (!response.ok) throw new Error(`search ${q} answered ${response.status}`);
        if ((body.statuses?.length ?? 0) > 0) matched += 1;
        all.push(ms);
        byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
      }
    }),
  );
  const result = {
    tweets: count,
    loadSeconds,
    queries: queries.length,
    matchedShare: matched / queries.length,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    kinds: Object.fromEntries(
      [...byKind].map(([kind, values]) => [
        kind,
        { p50: percentile(values, 50), p99: percentile(values, 99) },
      ]),
    ),
  };
  say(`search: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms over ${count} tweets`);
  return result;
}

async function embedded() {
  say('embedded mode (PGlite, in-process cache and log)');
  const dir = await mkdtemp(join(tmpdir(), 'starling-bench-embedded-'));
  const port = 3814;
  const base = `http://127.0.0.1:${port}`;
  const app = await startStarling(
    'start',
    { PORT: String(port), STARLING_DATA_DIR: dir, STARLING_SCRYPT_LOG_N: '10' },
    port,
  );
  const users = 200;
  const tokens = await registerAccounts(
    base,
    Array.from({ length: users }, (_, i) => `e${i}`),
    'bench password',
  );
  const ids: string[] = [];
  for (const token of tokens) {
    const me = await fetch(`${base}/api/v1/accounts/verify_credentials`, {
      headers: { authorization: `Bearer ${token}` },
    });
    ids.push(((await me.json()) as { id: string }).id);
  }
  for (let i = 0; i < users; i++) {
    for (let k = 1; k <= 20; k++) {
      await fetch(`${base}/api/v1/accounts/${ids[(i + k * 7) % users]}/follow`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[i]}` },
      });
    }
    await fetch(`${base}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: `hello from e${i}` }),
    });
  }
  // These accounts were made through the API, so the load generator's token scheme does not apply: read closed-loop
  // here, as a second client.
  const measure = async (op: 'home' | 'post', ms: number) => {
    let done = 0;
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: 16 }, async (_, worker) => {
        while (performance.now() < end) {
          const token = tokens[(done + worker) % users] as string;
          const response =
            op === 'home'
              ? await fetch(`${base}/api/v1/timelines/home?limit=40`, {
                  headers: { authorization: `Bearer ${token}` },
                })
              : await fetch(`${base}/api/v1/statuses`, {
                  method: 'POST',
                  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                  body: JSON.stringify({ status: `embedded ${done}` }),
                });
          await response.arrayBuffer();
          done += 1;
        }
      }),
    );
    return done / (ms / 1_000);
  };
  figures.embedded = {
    homeReadsPerSecond: await measure('home', durationMs / 3),
    postsPerSecond: await measure('post', durationMs / 6),
  };
  say(
    `embedded: ${Math.round(figures.embedded.homeReadsPerSecond)} home reads/s, ${Math.round(figures.embedded.postsPerSecond)} posts/s`,
  );
  await app.stop();
  await rm(dir, { recursive: true, force: true });
}

function pick(result: LoadResult, op: keyof LoadResult['operations']) {
  const o = result.operations[op];
  return { p50: o?.p50 ?? 0, p99: o?.p99 ?? 0, errors: o?.errors ?? 0 };
}

// The published report keeps its raw numbers in bench/results; any other report keeps them beside itself.
const results = args.out === DEFAULT_OUT ? 'bench/results/latest.json' : `${args.out}.json`;
const capacityOut =
  args.out === DEFAULT_OUT ? 'docs/capacity.md' : join(dirname(args.out as string), 'capacity.md');
if (args.from) {
  // Only the report, from the raw numbers of an earlier run (after its wording changed, say).
  const earlier = JSON.parse(await readFile(args.from as string, 'utf8')) as Figures;
  await writeReport(earlier, args.out as string);
  if (args.capacity) await writeCapacity(earlier, capacityOut);
} else {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
  await services();
  await embedded();
  await mkdir(dirname(results), { recursive: true });
  await writeFile(results, `${JSON.stringify(figures, null, 2)}\n`);
  await writeReport(figures, args.out as string);
  if (args.capacity) await writeCapacity(figures, capacityOut);
}
say(`report written to ${args.out}${args.capacity ? ` and the capacity model to ${capacityOut}` : ''}`);
