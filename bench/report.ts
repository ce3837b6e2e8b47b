import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { basename } from 'node:path';
import { writeCharts } from './charts.js';
import type { LoadResult } from './load.js';

type Latency = { p50: number; p99: number; errors: number };

/** Everything one run measured (also written, raw, to bench/results/latest.json). */
export interface Figures {
  command: string;
  size: string;
  durationSeconds: number;
  rate: number;
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
  memory?: { timelines: number; entries: number; bytesPerEntry: number };
  redisCeiling?: { zadd: number; zrevrange: number };
  httpCeiling?: { throughput: number; pageBytes: number } & Latency;
  maxHome?: { throughput: number } & Latency;
  steady?: {
    throughput: number;
    operations: LoadResult['operations'];
    fanoutLagP99: number | null;
    /** Cumulative `[le seconds, count]` of the fanout-lag histogram, for its chart. */
    fanoutLagBuckets?: [number, number][];
    insertsPerPost: number;
  };
  fanout?: { tweets: number; deliveries: number; seconds: number; perSecond: number };
  baselines?: {
    pushWritesPerPost: number;
    hybridWritesPerPost: number;
    pullReadP50: number;
    pullReadP99: number;
    cachedReadP50: number | null;
    cachedReadP99: number | null;
  };
  embedded?: { homeReadsPerSecond: number; postsPerSecond: number };
  maxRate?: {
    rate: number;
    homeP99BoundMs: number;
    steps: Array<{ rate: number; seconds: number; homeP99: number; errors: number; sustained: boolean }>;
  };
  spike?: {
    postsPerSecond: number;
    seconds: number;
    posts: number;
    peakLag: number;
    drainedAfterSeconds: number;
    lag: Array<{ second: number; pending: number }>;
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

const n = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined
    ? '—'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits });
const ratio = (value: number | undefined, against: number | undefined) =>
  value && against ? `${((value / against) * 100).toFixed(0)}%` : '—';
/** Home reads per second within a mixed rate (60% of it). */
const homeShare = (mixed: number | undefined) => (mixed === undefined ? undefined : mixed * 0.6);
const verdict = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? 'met' : 'missed');

export async function writeReport(f: Figures, out: string) {
  // Charts go in a folder beside the report, named after it (docs/benchmarks.md → docs/benchmarks/).
  const chartsDir = out.replace(/\.md$/, '');
  const charts = await writeCharts(f, chartsDir);
  const image = (name: string, alt: string) =>
    charts.includes(name) ? `\n![${alt}](${basename(chartsDir)}/${name})\n` : '';
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const home = f.steady?.operations.home;
  const post = f.steady?.operations.post;
  const account = f.steady?.operations.account;
  const lagMs =
    f.steady?.fanoutLagP99 === null || f.steady?.fanoutLagP99 === undefined
      ? null
      : f.steady.fanoutLagP99 * 1_000;
  const rows: string[][] = [
    [
      'Home read p99, steady mixed load (ms)',
      n(home?.p99, 2),
      '≤ 5 ms',
      verdict(home ? home.p99 <= 5 : undefined),
    ],
    [
      'Home reads/s at full speed',
      n(f.maxHome?.throughput, 0),
      `HTTP ceiling ${n(f.httpCeiling?.throughput, 0)}/s`,
      ratio(f.maxHome?.throughput, f.httpCeiling?.throughput),
    ],
    ['Home read p99 at full speed (ms)', n(f.maxHome?.p99, 2), '—', '—'],
    [
      'Maximum sustainable mixed rate, home p99 ≤ 10 ms (req/s)',
      n(f.maxRate?.rate, 0),
      `${n(homeShare(f.maxRate?.rate), 0)} home reads/s vs HTTP ceiling ${n(f.httpCeiling?.throughput, 0)}/s`,
      ratio(homeShare(f.maxRate?.rate), f.httpCeiling?.throughput),
    ],
    [
      'Fanout deliveries/s',
      n(f.fanout?.perSecond, 0),
      `ZADD ceiling ${n(f.redisCeiling?.zadd, 0)}/s`,
      ratio(f.fanout?.perSecond, f.redisCeiling?.zadd),
    ],
    [
      'Fanout lag p99, steady (ms)',
      n(lagMs, 0),
      '≤ 1,000 ms',
      verdict(lagMs === null ? undefined : lagMs <= 1_000),
    ],
    [
      'Fanout lag p99 during the celebrity storm (ms)',
      n(f.storm?.fanoutLagP99Ms, 0),
      '≤ 1,000 ms',
      verdict(
        f.storm?.fanoutLagP99Ms === null || f.storm?.fanoutLagP99Ms === undefined
          ? undefined
          : f.storm.fanoutLagP99Ms <= 1_000,
      ),
    ],
    [
      'Write spike: errors, and log drained after (s)',
      f.spike ? `${n(f.spike.errors, 0)} errors, ${n(f.spike.drainedAfterSeconds, 1)} s` : '—',
      '0 errors, ≤ 30 s',
      verdict(f.spike ? f.spike.errors === 0 && f.spike.drainedAfterSeconds <= 30 : undefined),
    ],
    [
      'Cold-start first read p99 (ms)',
      n(f.coldStart?.p99, 1),
      '≤ 30 ms',
      verdict(f.coldStart ? f.coldStart.p99 <= 30 : undefined),
    ],
    ['Post p99, steady (ms)', n(post?.p99, 2), '≤ 20 ms', verdict(post ? post.p99 <= 20 : undefined)],
    ['Account timeline p99, steady (ms)', n(account?.p99, 2), '—', '—'],
    [
      'Redis bytes per cached timeline entry',
      n(f.memory?.bytesPerEntry, 1),
      '≤ 24 bytes',
      verdict(f.memory ? f.memory.bytesPerEntry <= 24 : undefined),
    ],
    [
      'Embedded home reads/s',
      n(f.embedded?.homeReadsPerSecond, 0),
      '≥ 2,000/s',
      verdict(f.embedded ? f.embedded.homeReadsPerSecond >= 2_000 : undefined),
    ],
    ['Embedded posts/s', n(f.embedded?.postsPerSecond, 0), '—', '—'],
    [
      `Search p99 over ${n(f.search?.tweets, 0)} tweets (ms)`,
      n(f.search?.p99, 1),
      '≤ 50 ms',
      verdict(f.search ? f.search.p99 <= 50 : undefined),
    ],
  ];
  const table = (header: string[], body: string[][]) =>
    [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...body.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  const ops = Object.entries(f.steady?.operations ?? {}).map(([op, o]) => [
    op,
    n(o?.count, 0),
    n(o?.errors, 0),
    n(o?.p50, 2),
    n(o?.p90, 2),
    n(o?.p99, 2),
    n(o?.p999, 2),
    n(o?.max, 2),
  ]);
  const text = `# Benchmarks

This file is written by \`npm run bench\`; every figure below comes from one run, on one machine, with the command
shown. Latencies are measured by an open-loop load generator in its own process (requests start on schedule;
latency counts from the scheduled start), with HdrHistogram percentiles. Starling runs as separate \`api\` and
\`fanout\` processes against PostgreSQL, Redis and NATS JetStream on the same machine as the load generator — on two
cores, everything competes for the same CPUs, which the ratios to the ceilings (measured in the same run) take into
account.

- **Command:** \`${f.command}\`
- **Commit:** ${commit} · **Date:** ${new Date().toISOString().slice(0, 10)}
- **Machine:** ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}
- **Graph:** ${n(f.graph?.accounts, 0)} accounts, ${n(f.graph?.follows, 0)} follows (median following ${n(f.graph?.medianFollowing, 0)}, median followers ${n(f.graph?.medianFollowers, 0)}, largest account ${n(f.graph?.maxFollowers, 0)} followers), celebrity threshold ${n(f.threshold, 0)} (${n(f.graph?.celebrities, 0)} celebrities), loaded in ${n(f.graph?.loadSeconds, 1)} s

## Summary

${table(['figure', 'value', 'ceiling or target', 'ratio or verdict'], rows)}

## Steady mixed load

${n(f.rate, 0)} requests/s for ${n(f.durationSeconds, 0)} s, 60% home timeline / 30% account timeline / 10% post (latencies in ms):

${table(['operation', 'requests', 'errors', 'p50', 'p90', 'p99', 'p99.9', 'max'], ops)}
${image('latency.svg', 'Latency percentiles per operation under the steady load')}${image('fanout-lag.svg', 'Fanout lag distribution under the steady load')}
Each post wrote ${n(f.steady?.insertsPerPost, 1)} timeline entries on average (only readers active in the cache get one).

## Ceilings, measured in the same run

- **HTTP:** a bare Fastify route answering with the same ${n(f.httpCeiling?.pageBytes, 0)} bytes as a 50-tweet home page, 32 requests in flight: ${n(f.httpCeiling?.throughput, 0)} requests/s (p50 ${n(f.httpCeiling?.p50, 2)} ms, p99 ${n(f.httpCeiling?.p99, 2)} ms). Starling's home timeline at full speed: ${n(f.maxHome?.throughput, 0)} requests/s (${ratio(f.maxHome?.throughput, f.httpCeiling?.throughput)}), p99 ${n(f.maxHome?.p99, 2)} ms.
- **Redis:** \`redis-benchmark -P 32\`: ZADD ${n(f.redisCeiling?.zadd, 0)}/s, ZREVRANGE 0 49 ${n(f.redisCeiling?.zrevrange, 0)}/s. Fanout alone (${n(f.fanout?.tweets, 0)} tweets queued while the fanout process was stopped, then drained): ${n(f.fanout?.deliveries, 0)} deliveries in ${n(f.fanout?.seconds, 2)} s = ${n(f.fanout?.perSecond, 0)} deliveries/s (${ratio(f.fanout?.perSecond, f.redisCeiling?.zadd)} of the ZADD ceiling). Each delivery is a Lua script (floor check, ZADD, trim) in a pipeline per node, and the process also reads followers from PostgreSQL.

## Push, pull and hybrid

| model | timeline writes per post | home read p50 / p99 (ms) |
|---|---|---|
| pure push (every follower's cached timeline) | ${n(f.baselines?.pushWritesPerPost, 1)} | as hybrid, without the celebrity merge |
| pure pull (computed from PostgreSQL on every read) | 0 | ${n(f.baselines?.pullReadP50, 2)} / ${n(f.baselines?.pullReadP99, 2)} (the pull query alone, no HTTP) |
| hybrid (Starling) | ${n(f.baselines?.hybridWritesPerPost, 1)} | ${n(f.baselines?.cachedReadP50, 2)} / ${n(f.baselines?.cachedReadP99, 2)} (through HTTP, under the mixed load) |

## Cold start

${n(f.coldStart?.readers, 0)} readers who follow about 1,000 accounts (median ${n(f.coldStart?.medianFollowing, 0)}), each reading with no cached timeline: first-read p50 ${n(f.coldStart?.p50, 1)} ms, p99 ${n(f.coldStart?.p99, 1)} ms — the rebuild query and the page, in one request.

## Memory

${n(f.memory?.timelines, 0)} cached timelines holding ${n(f.memory?.entries, 0)} entries grew Redis by ${n(f.memory?.bytesPerEntry, 1)} bytes per entry (members are a 20-digit id and the author id, score 0, in a skiplist-encoded sorted set, plus a small hash per timeline).

## Embedded mode

One \`starling start\` process on PGlite with 200 accounts following 20 each, 16 requests in flight: ${n(f.embedded?.homeReadsPerSecond, 0)} home reads/s, ${n(f.embedded?.postsPerSecond, 0)} posts/s.

## Maximum sustainable rate

The default mix, open loop, doubling from 25 req/s until home-read p99 passed ${n(f.maxRate?.homeP99BoundMs, 0)} ms (or
a request failed), then bisecting: **${n(f.maxRate?.rate, 0)} req/s** held it (0: not even the first step did, so no lower rate was tried).

${table(
  ['rate (req/s)', 'seconds', 'home p99 (ms)', 'errors', 'sustained'],
  (f.maxRate?.steps ?? []).map((s) => [
    n(s.rate, 0),
    n(s.seconds, 0),
    n(s.homeP99, 2),
    n(s.errors, 0),
    s.sustained ? 'yes' : 'no',
  ]),
)}

## Write spike

${n(f.spike?.postsPerSecond, 0)} posts/s (ten times the steady mix's posts) for ${n(f.spike?.seconds, 0)} s, open loop:
${n(f.spike?.posts, 0)} posts, ${n(f.spike?.errors, 0)} errors, post p50 ${n(f.spike?.p50, 2)} ms, p99 ${n(f.spike?.p99, 2)} ms. The
consumer lag (events in the log not yet applied, plus outbox rows not yet published) peaked at ${n(f.spike?.peakLag, 0)} and
was gone ${n(f.spike?.drainedAfterSeconds, 1)} s after the spike ended. Lag, sampled each second from the start of the spike:

${(f.spike?.lag ?? []).map((l) => `${n(l.second, 0)} s: ${n(l.pending, 0)}`).join(' · ')}
${image('spike.svg', 'Consumer lag through the write spike')}
## Celebrity storm

The steady mixed load again for ${n(f.storm?.seconds, 0)} s while the largest account (followed by half of everyone)
posted ${n(f.storm?.stormPosts, 0)} times (10/s, ${n(f.storm?.stormErrors, 0)} errors). Ordinary fanout lag p99
${n(f.storm?.fanoutLagP99Ms, 0)} ms (without the storm: ${n(lagMs, 0)} ms); the celebrity's own events ${n(f.storm?.celebrityLagP99Ms, 0)} ms
(they only go into the celebrity's recent list; readers pull them). Home read p50 / p99 ${n(f.storm?.home.p50, 2)} / ${n(f.storm?.home.p99, 2)} ms,
post p50 / p99 ${n(f.storm?.post.p50, 2)} / ${n(f.storm?.post.p99, 2)} ms.

## Search

${n(f.search?.tweets, 0)} tweets (6–15 words each from a 5,000-word vocabulary with Zipf-like frequencies; a fifth
with one of 500 hashtags, a tenth mentioning an account) generated inside PostgreSQL and indexed in
${n(f.search?.loadSeconds, 0)} s. ${n(f.search?.queries, 0)} queries through \`GET /api/v1/search/tweets?limit=20\`,
four in flight, terms drawn with the corpus's frequencies (${n((f.search?.matchedShare ?? 0) * 100, 0)}% found something):
p50 ${n(f.search?.p50, 1)} ms, p99 ${n(f.search?.p99, 1)} ms. The time includes hydrating 20 tweets (tweet cache,
authors, live counters). The slowest kind is a phrase of two frequent words: PostgreSQL estimates a phrase like an AND
of its words, walks the id index backwards, and checks word positions in each candidate's document.

${table(
  ['query', 'p50 (ms)', 'p99 (ms)'],
  Object.entries(f.search?.kinds ?? {}).map(([kind, k]) => [kind, n(k.p50, 1), n(k.p99, 1)]),
)}
${image('search.svg', 'Search latency by kind of query')}
## Not measured by this run

The medium-size graph (100K accounts) is not in this report: this run used the size named in the command. Raw numbers: \`bench/results/latest.json\`.
`;
  await writeFile(out, text);
}
