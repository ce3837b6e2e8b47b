/**
 * `npm run bench:soak`: the soak — a long open-loop run of the default mix at 70% of the maximum sustainable rate
 * (from the last benchmark's step search, or `--rate`), in services mode on a freshly loaded graph. It reports the
 * errors, each process's memory at the start and the end, and the fanout lag, minute by minute, to
 * bench/results/soak.json, and rewrites docs/benchmarks.md from the last benchmark's raw numbers with the soak in it.
 * Not part of CI: it takes `--minutes` (30 by default).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Figures } from './figures.js';
import { freshServices } from './fresh.js';
import { generateGraph, SIZES } from './graph.js';
import type { LoadResult } from './load.js';
import { buckets, metric, quantileOf, runLoad, startStarling } from './processes.js';
import { BenchRedis } from './redis.js';
import { writeReport } from './report.js';
import { SOAK_RESULTS, type SoakMinute, type SoakSummary } from './soak-report.js';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string' },
    share: { type: 'string', default: '0.7' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: SOAK_RESULTS },
  },
});
const size = SIZES[args.size as string];
if (!size) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
const minutes = Number(args.minutes);
const share = Number(args.share);
const seed = Number(args.seed);
const NAMESPACE = 'soak';
const postgresUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/starling_bench';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const natsUrl = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const API = { port: 3821, base: 'http://127.0.0.1:3821', ops: 'http://127.0.0.1:3823' };
const FANOUT = { port: 3822, base: 'http://127.0.0.1:3822' };
const MIX = { home: 60, account: 30, post: 10 };
const say = (text: string) => console.log(`[soak] ${text}`);

/** The rate: `--rate`, or `--share` (70%) of the maximum sustainable rate the last benchmark found. */
async function soakRate(): Promise<{ rate: number; from: string }> {
  if (args.rate) return { rate: Number(args.rate), from: '--rate' };
  const latest = JSON.parse(await readFile('bench/results/latest.json', 'utf8')) as {
    maxRate?: { rate: number };
  };
  const max = latest.maxRate?.rate ?? 0;
  if (max <= 0) {
    throw new Error('the last benchmark found no sustainable rate (bench/results/latest.json); pass --rate');
  }
  return { rate: Math.max(1, Math.round(max * share)), from: `${share} × ${max} req/s (latest.json)` };
}

const mib = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

async function memory() {
  return {
    apiMiB: mib(await metric(API.ops, 'starling_process_resident_memory_bytes')),
    fanoutMiB: mib(await metric(FANOUT.base, 'starling_process_resident_memory_bytes')),
  };
}

async function main() {
  const { rate, from } = await soakRate();
  say(`${minutes} min at ${rate} req/s (${from}), ${args.size} graph`);
  const graph = generateGraph(size as NonNullable<typeof size>, seed);
  const threshold = Math.max(100, Math.round(graph.accounts * 0.4));
  await freshServices(
    { postgresUrl, redis: new BenchRedis(redisUrl, NAMESPACE), natsUrl, namespace: NAMESPACE },
    graph,
    threshold,
    say,
  );
  const env = {
    DATABASE_URL: postgresUrl,
    REDIS_URL: redisUrl,
    NATS_URL: natsUrl,
    STARLING_NAMESPACE: NAMESPACE,
    STARLING_CELEBRITY_THRESHOLD: String(threshold),
  };
  const api = await startStarling(
    'api',
    { ...env, PORT: String(API.port), STARLING_METRICS_PORT: String(new URL(API.ops).port) },
    API.port,
  );
  const fanout = await startStarling(
    'fanout',
    { ...env, STARLING_METRICS_PORT: String(FANOUT.port) },
    FANOUT.port,
  );
  const readers = Math.min(graph.accounts, 5_000);
  const job = { base: API.base, mode: 'open' as const, concurrency: 0, readers, accounts: graph.accounts };
  try {
    // A minute's warm-up first: the memory at the start is the memory of a process that has served the load.
    await runLoad({
      ...job,
      rate,
      durationMs: 60_000,
      mix: MIX,
      tweets: graph.accounts * graph.tweets,
      seed,
    });
    const start = await memory();
    const lagBefore = await buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="fanout"');
    const perMinute: SoakMinute[] = [];
    let errors = 0;
    let requests = 0;
    const reasons: Record<string, number> = {};
    for (let minute = 1; minute <= minutes; minute++) {
      const before = await buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="fanout"');
      const result: LoadResult = await runLoad(
        {
          ...job,
          rate,
          durationMs: 60_000,
          mix: MIX,
          tweets: graph.accounts * graph.tweets,
          seed: seed + minute,
        },
        `minute ${minute}`,
      );
      const after = await buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="fanout"');
      let minuteErrors = 0;
      for (const op of Object.values(result.operations)) {
        minuteErrors += op?.errors ?? 0;
        requests += op?.count ?? 0;
        for (const [reason, n] of Object.entries(op?.errorReasons ?? {}))
          reasons[reason] = (reasons[reason] ?? 0) + n;
      }
      errors += minuteErrors;
      perMinute.push({
        minute,
        errors: minuteErrors,
        homeP99: result.operations.home?.p99 ?? null,
        fanoutLagP99: quantileOf(after, 0.99, before),
        consumerPending: await metric(FANOUT.base, 'starling_log_consumer_pending'),
      });
      say(`minute ${minute}: ${minuteErrors} errors, fanout lag p99 ${perMinute.at(-1)?.fanoutLagP99} s`);
    }
    const end = await memory();
    const lagAfter = await buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="fanout"');
    const summary: SoakSummary = {
      command: `npm run bench:soak -- ${process.argv.slice(2).join(' ')}`.trim(),
      commit: execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim(),
      date: new Date().toISOString().slice(0, 10),
      size: args.size as string,
      minutes,
      rate,
      rateFrom: from,
      requests,
      errors,
      errorReasons: reasons,
      memory: { start, end },
      fanoutLagSeconds: {
        p50: quantileOf(lagAfter, 0.5, lagBefore),
        p99: quantileOf(lagAfter, 0.99, lagBefore),
        max: Math.max(0, ...perMinute.map((m) => m.fanoutLagP99 ?? 0)),
      },
      perMinute,
    };
    await mkdir('bench/results', { recursive: true });
    await writeFile(args.out as string, `${JSON.stringify(summary, null, 2)}\n`);
    if (args.out === SOAK_RESULTS) {
      const latest = JSON.parse(await readFile('bench/results/latest.json', 'utf8')) as Figures;
      await writeReport(latest, 'docs/benchmarks.md', summary);
    }
    say(
      `${requests} requests, ${errors} errors; memory api ${start.apiMiB} → ${end.apiMiB} MiB, fanout ${start.fanoutMiB} → ${end.fanoutMiB} MiB; fanout lag p99 ${summary.fanoutLagSeconds.p99} s → ${args.out}`,
    );
  } finally {
    await api.stop();
    await fanout.stop();
  }
}

await main();
