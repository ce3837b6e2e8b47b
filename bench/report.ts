import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { basename } from 'node:path';
import { writeCharts } from './charts.js';
import type { Figures } from './figures.js';
import { type SoakSummary, soakSection, soakValue } from './soak-report.js';
import { WRK_SETTINGS } from './wrk.js';

const n = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined
    ? '—'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits });
const ratio = (value: number | undefined, against: number | undefined) =>
  value && against ? `${((value / against) * 100).toFixed(0)}%` : '—';
const verdict = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? 'met' : 'missed');

const OPERATION_NAMES: Record<string, string> = {
  home: 'home timeline',
  account: 'account timeline',
  post: 'post',
  follow: 'follow or unfollow',
  like: 'like or unlike',
};
/** "60% home timeline / 30% account timeline / 10% post". */
const mixText = (mix: Partial<Record<string, number>>) => {
  const total = Object.values(mix).reduce((a: number, b) => a + (b ?? 0), 0);
  return Object.entries(mix)
    .filter(([, w]) => (w ?? 0) > 0)
    .map(([op, w]) => `${n(((w ?? 0) / total) * 100, 0)}% ${OPERATION_NAMES[op] ?? op}`)
    .join(' / ');
};
const times = (value: number, bound: number) => `${n(value / bound, 1)}× the bound`;
const reasons = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([reason, count]) => `${n(count, 0)} × ${reason}`)
    .join(', ') || 'no reason recorded';

/**
 * Starling's own goals (stricter than the design's targets, which the summary shows beside them), each with what this
 * run measured, whether it was met and by how much it was missed, and what
 * stands in the way — from the read-path anatomy, the ceilings and the scenario figures of the same run.
 */
function goals(f: Figures): string {
  const lines: string[] = [];
  /** Adds the goal's row; returns what stands in its way when it was missed. */
  const row = (goal: string, measured: string, met: boolean | undefined, gap: string, why: string) => {
    lines.push(`| ${goal} | ${measured} | ${verdict(met)} | ${met === false ? gap : '—'} |`);
    return met === false ? why : '';
  };
  const why: string[] = [];
  const home = f.maxHome;
  const share = home && f.httpCeiling ? home.throughput / f.httpCeiling.throughput : undefined;
  const a = f.anatomy;
  const steadyHome = f.steady?.operations.home;
  why.push(
    row(
      'Home reads at full speed ≥ 25% of the HTTP ceiling (same generator), home p99 ≤ 10 ms in the steady mix',
      home
        ? `${ratio(home.throughput, f.httpCeiling?.throughput)} of the ceiling; steady p99 ${n(steadyHome?.p99, 1)} ms`
        : '—',
      share !== undefined && steadyHome ? share >= 0.25 && steadyHome.p99 <= 10 : undefined,
      share !== undefined && steadyHome
        ? `${share < 0.25 ? `${n((0.25 - share) * 100, 0)} points of throughput short` : 'throughput met'}; ${steadyHome.p99 > 10 ? times(steadyHome.p99, 10) : 'latency met'}`
        : '',
      a
        ? `**Home reads.** One cached read alone on the machine takes ${n(a.total.p50, 2)} ms at the median (p99 ${n(a.total.p99, 2)} ms): ${a.steps
            .map(
              (s) =>
                `${s.step} ${n(s.p50, 2)} ms${s.perRead < 0.99 || s.perRead > 1.01 ? ` (${n(s.perRead, 1)} per read)` : ''}`,
            )
            .join(
              ', ',
            )} — the reader's timeline with its pulled authors first, then the pulled lists, then bodies, counters and the reader's likes and retweets at once, none of it from PostgreSQL — and ${n(a.outsideIo.p50, 2)} ms of the api's own work outside any I/O (routing, hydrating 40 statuses, JSON). Under load these costs queue, because the api, PostgreSQL, Redis, NATS, the fanout process and the load generator share two cores.`
        : '',
    ),
  );
  const maxRate = f.maxRate;
  why.push(
    row(
      'Maximum sustainable mixed rate with home p99 ≤ 10 ms ≥ 1,000 req/s',
      maxRate ? `${n(maxRate.rate, 0)} req/s` : '—',
      maxRate ? maxRate.rate >= 1_000 : undefined,
      maxRate ? `${n(1_000 - maxRate.rate, 0)} req/s short` : '',
      '**Sustainable rate.** The whole mix shares two cores with every server and the load generator; see the home reads and posting above for what each request costs.',
    ),
  );
  const fanout = f.fanout;
  const lpush = f.redisCeiling?.lpush;
  const fanoutShare = fanout && lpush ? fanout.perSecond / lpush : undefined;
  why.push(
    row(
      'Fanout ≥ 25% of the pipelined LPUSH ceiling',
      fanout ? `${n(fanout.perSecond, 0)} deliveries/s, ${ratio(fanout.perSecond, lpush)}` : '—',
      fanoutShare === undefined ? undefined : fanoutShare >= 0.25,
      fanoutShare === undefined ? '' : `${n(0.25 / fanoutShare, 1)}× short`,
      fanout?.followersVisitedPerSecond
        ? `**Fanout.** For each page of 1,000 followers (kept in the fanout process's memory for authors who post often), fanout asks the index of active readers once — one ZMSCORE per index shard, one round trip per node — and runs the insert script only for the active: it went through ${n(fanout.followersVisitedPerSecond, 0)} followers/s, of which ${n((fanout.perSecond / fanout.followersVisitedPerSecond) * 100, 0)}% were active readers. Each delivery is a Lua script (the floor, the kept-out check, a look at the timeline's head and an LPUSH in front of it — a search only for an entry older than the head —, and the trim at the cap), heavier than the bare LPUSH of the ceiling from redis-benchmark's C client${f.capacity?.redisCallsPerDelivery !== undefined && f.capacity.redisUsecPerCall !== undefined ? `: Redis ran ${n(f.capacity.redisCallsPerDelivery, 1)} commands a delivery (scripts and the commands inside them), at ${n(f.capacity.redisUsecPerCall, 1)} µs each` : ''}.`
        : '',
    ),
  );
  const lag =
    f.steady?.fanoutLagP99 === null || f.steady?.fanoutLagP99 === undefined
      ? null
      : f.steady.fanoutLagP99 * 1_000;
  const stormLag = f.storm?.fanoutLagP99Ms ?? null;
  why.push(
    row(
      'Fanout lag p99 ≤ 1 s, steady and during the celebrity storm',
      `${n(lag, 0)} ms steady, ${n(stormLag, 0)} ms in the storm`,
      lag === null || stormLag === null ? undefined : lag <= 1_000 && stormLag <= 1_000,
      `${times(Math.max(lag ?? 0, stormLag ?? 0), 1_000)}`,
      '**Fanout lag.** The steady mix asks fanout for more follower visits per second than it manages (see fanout above); lag is the queue that builds.',
    ),
  );
  const cold = f.coldStart;
  why.push(
    row(
      'Cold-start first read p99 ≤ 50 ms',
      cold ? `${n(cold.p99, 1)} ms` : '—',
      cold ? cold.p99 <= 50 : undefined,
      cold ? times(cold.p99, 50) : '',
      cold
        ? `**Cold start.** A first read rebuilds the timeline — one query that reads up to 200 recent tweets of each of ${n(cold.medianFollowing, 0)} followees (an index probe each) and caches up to 800 entries — then hydrates 40 statuses that no one has read yet, so their bodies come from PostgreSQL too; its median is ${n(cold.p50, 1)} ms against ${n(a?.total.p50, 1)} ms for a cached read.${
            f.coldAnatomy
              ? ` Read alone, step by step, the largest costs of a first read are ${f.coldAnatomy.steps
                  .slice(0, 4)
                  .map((s) => `${s.step} ${n(s.p50, 1)} ms`)
                  .join(
                    ', ',
                  )} (medians), with ${n(f.coldAnatomy.outsideIo.p50, 1)} ms outside I/O; the four readers at a time of the measurement above also queue for two cores.`
              : ''
          }`
        : '',
    ),
  );
  const posts = f.posts;
  const pgc = f.postgresCeiling;
  why.push(
    row(
      'Post p99 ≤ 50 ms at 500 posts/s, 0 errors',
      posts ? `${n(posts.p99, 1)} ms (${n(posts.errors, 0)} errors)` : '—',
      posts ? posts.p99 <= 50 && posts.errors === 0 : undefined,
      posts ? times(posts.p99, 50) : '',
      posts && pgc
        ? `**Posting.** ${posts.completedPerSecond < posts.postsPerSecond * 0.95 ? `The api got through ${n(posts.completedPerSecond, 0)} posts/s of the ${n(posts.postsPerSecond, 0)} asked, so the rest queued — the load is open loop — and the p99 is mostly that queue. ` : ''}${posts.errors > 0 ? `Failures at the connection, from the queue: ${reasons(posts.errorReasons)}. ` : ''}A post is one statement and nothing else (the tweet with its search document, mentions and hashtags, and the outbox row on the stream the author's fanout mode routes it to; the answer is built from what was written), and pgbench's one-row insert transactions, 16 clients, reach ${n(pgc.transactionsPerSecond, 0)}/s at ${n(pgc.latencyMs, 1)} ms average latency on this machine — 500 posts/s is ${ratio(500, pgc.transactionsPerSecond)} of that. ${f.capacity?.postsApiCores !== undefined ? `The api is not the limit either: it used ${n(f.capacity.postsApiCores, 2)} of a core while posting. ` : ''}What the posts also ask for is their fanout, to every active follower of each author, which the fanout process works through at the same time (the log drained ${n(posts.drainedAfterSeconds, 1)} s after the posts stopped): it, PostgreSQL, Redis, NATS and the load generator share the two cores, and the posts' statements wait their turn.`
        : '',
    ),
  );
  const spike = f.spike;
  const applied = spike ? spike.posts / (spike.seconds + spike.drainedAfterSeconds) : undefined;
  why.push(
    row(
      'Write spike: 0 errors, log drained within 30 s',
      spike ? `${n(spike.errors, 0)} errors, drained after ${n(spike.drainedAfterSeconds, 1)} s` : '—',
      spike ? spike.errors === 0 && spike.drainedAfterSeconds <= 30 : undefined,
      spike
        ? [
            spike.errors > 0 ? `${n(spike.errors, 0)} errors` : '',
            spike.drainedAfterSeconds > 30 ? `${n(spike.drainedAfterSeconds - 30, 1)} s late` : '',
          ]
            .filter(Boolean)
            .join(', ')
        : '',
      spike
        ? `**Write spike.** ${spike.errors > 0 ? `${n(spike.errors, 0)} of ${n(spike.posts, 0)} posts failed at the HTTP layer (${reasons(spike.errorReasons ?? {})}) with the api past its capacity; a failed post writes nothing, so none reached the log.` : 'The log took every post (no errors).'} Fanout applied about ${n(applied, 0)} posts/s on average against ${n(spike.postsPerSecond, 0)} arriving, so the backlog of ${n(spike.peakLag, 0)} drained at that rate — fanout throughput, above, is the limit.`
        : '',
    ),
  );
  const memory = f.memory;
  why.push(
    row(
      '≤ 24 bytes of Redis per timeline entry',
      memory ? `${n(memory.bytesPerEntry, 1)} bytes` : '—',
      memory ? memory.bytesPerEntry <= 24 : undefined,
      memory ? `${n(memory.bytesPerEntry / 24, 1)}× the bound` : '',
      '**Redis memory.** Each entry is two 64-bit integers in a packed list (about 20 bytes); what is left is the per-timeline overhead — the list and hash keys and their dictionary entries, and the hash of floor and state — which weighs more on short timelines than on full ones.',
    ),
  );
  const embedded = f.embedded;
  why.push(
    row(
      'Embedded ≥ 2,000 home reads/s',
      embedded ? `${n(embedded.homeReadsPerSecond, 0)}/s` : '—',
      embedded ? embedded.homeReadsPerSecond >= 2_000 : undefined,
      embedded ? `${n(2_000 / Math.max(embedded.homeReadsPerSecond, 1), 1)}× short` : '',
      "**Embedded mode.** One Node.js process serves HTTP, runs the relay and fanout, and hosts PGlite — PostgreSQL compiled to WebAssembly, one connection, its queries run one at a time on the same event loop. A warm read asks PGlite nothing (everything it needs is in the process's memory); what remains is the process's own work, shared with the relay, fanout and posting.",
    ),
  );
  return `Starling's own goals, stricter than the design's targets:

| goal | measured | verdict | missed by |
|---|---|---|---|
${lines.join('\n')}

${why.filter(Boolean).join('\n\n')}`;
}

/** Writes the report of `f`, with the last soak's figures when there are some (they come from a run of their own). */
export async function writeReport(f: Figures, out: string, soak?: SoakSummary) {
  // Charts go in a folder beside the report, named after it (docs/benchmarks.md → docs/benchmarks/).
  const chartsDir = out.replace(/\.md$/, '');
  const charts = await writeCharts(f, chartsDir);
  const image = (name: string, alt: string) =>
    charts.includes(name) ? `\n![${alt}](${basename(chartsDir)}/${name})\n` : '';
  const home = f.steady?.operations.home;
  const post = f.steady?.operations.post;
  const account = f.steady?.operations.account;
  const lagMs =
    f.steady?.fanoutLagP99 === null || f.steady?.fanoutLagP99 === undefined
      ? null
      : f.steady.fanoutLagP99 * 1_000;
  /** A target and whether it was met: `[text, met]`, or a plain text (a ceiling, a ratio) with nothing to meet. */
  type Target = [string, boolean | undefined] | string;
  const cell = (t: Target | undefined) =>
    t === undefined ? '— | —' : typeof t === 'string' ? `${t} | —` : `${t[0]} | ${verdict(t[1])}`;
  const hitRate = f.steady?.hitRate;
  const lpush = f.redisCeiling?.lpush;
  const storm = f.storm?.fanoutLagP99Ms ?? undefined;
  const figures: Array<[string, string, Target | undefined, Target | undefined]> = [
    [
      'Home read p99, steady mixed load (ms)',
      n(home?.p99, 2),
      ['< 200 ms', home ? home.p99 < 200 : undefined],
      ['≤ 10 ms', home ? home.p99 <= 10 : undefined],
    ],
    [
      'Cached home read p99, one at a time (ms)',
      n(f.anatomy?.total.p99, 2),
      ['cache hit < 10 ms', f.anatomy ? f.anatomy.total.p99 < 10 : undefined],
      undefined,
    ],
    [
      'Cache hit rate, steady mixed load',
      hitRate === undefined ? '—' : `${n(hitRate * 100, 1)}%`,
      ['> 90%', hitRate === undefined ? undefined : hitRate > 0.9],
      undefined,
    ],
    [
      'Cold-start first read p99 (ms)',
      n(f.coldStart?.p99, 1),
      ['cache miss < 50 ms', f.coldStart ? f.coldStart.p99 < 50 : undefined],
      ['≤ 50 ms', f.coldStart ? f.coldStart.p99 <= 50 : undefined],
    ],
    [
      'Home reads/s at full speed (wrk)',
      n(f.maxHome?.throughput, 0),
      undefined,
      [
        `≥ 25% of the HTTP ceiling (${n(f.httpCeiling?.throughput, 0)}/s): ${ratio(f.maxHome?.throughput, f.httpCeiling?.throughput)}`,
        f.maxHome && f.httpCeiling ? f.maxHome.throughput >= 0.25 * f.httpCeiling.throughput : undefined,
      ],
    ],
    ['Home read p99 at full speed (ms)', n(f.maxHome?.p99, 2), undefined, undefined],
    [
      'Maximum sustainable mixed rate, home p99 ≤ 10 ms (req/s)',
      n(f.maxRate?.rate, 0),
      undefined,
      ['≥ 1,000 req/s', f.maxRate ? f.maxRate.rate >= 1_000 : undefined],
    ],
    ['Post p99, steady (ms)', n(post?.p99, 2), ['< 100 ms', post ? post.p99 < 100 : undefined], undefined],
    [
      'Post p99 at 500 posts/s (ms)',
      f.posts ? `${n(f.posts.p99, 2)} (${n(f.posts.errors, 0)} errors)` : '—',
      ['< 100 ms', f.posts ? f.posts.p99 < 100 : undefined],
      ['≤ 50 ms, 0 errors', f.posts ? f.posts.p99 <= 50 && f.posts.errors === 0 : undefined],
    ],
    [
      'Fanout lag p99, steady (ms)',
      n(lagMs, 0),
      ['< 10 s', lagMs === null ? undefined : lagMs < 10_000],
      ['≤ 1 s', lagMs === null ? undefined : lagMs <= 1_000],
    ],
    [
      'Fanout lag p99 during the celebrity storm (ms)',
      n(storm, 0),
      ['< 10 s', storm === undefined ? undefined : storm < 10_000],
      ['≤ 1 s', storm === undefined ? undefined : storm <= 1_000],
    ],
    [
      'Fanout deliveries/s',
      n(f.fanout?.perSecond, 0),
      undefined,
      [
        `≥ 25% of pipelined LPUSH (${n(lpush, 0)}/s): ${ratio(f.fanout?.perSecond, lpush)}`,
        f.fanout && lpush ? f.fanout.perSecond >= 0.25 * lpush : undefined,
      ],
    ],
    [
      'Write spike: errors, and log drained after (s)',
      f.spike ? `${n(f.spike.errors, 0)} errors, ${n(f.spike.drainedAfterSeconds, 1)} s` : '—',
      undefined,
      ['0 errors, ≤ 30 s', f.spike ? f.spike.errors === 0 && f.spike.drainedAfterSeconds <= 30 : undefined],
    ],
    [
      'Account timeline p99, steady (ms)',
      n(account?.p99, 2),
      ['< 200 ms', account ? account.p99 < 200 : undefined],
      undefined,
    ],
    [
      'Redis bytes per cached timeline entry',
      n(f.memory?.bytesPerEntry, 1),
      undefined,
      ['≤ 24 bytes', f.memory ? f.memory.bytesPerEntry <= 24 : undefined],
    ],
    [
      'Embedded home reads/s',
      n(f.embedded?.homeReadsPerSecond, 0),
      undefined,
      ['≥ 2,000/s', f.embedded ? f.embedded.homeReadsPerSecond >= 2_000 : undefined],
    ],
    ['Embedded posts/s', n(f.embedded?.postsPerSecond, 0), undefined, undefined],
    [
      soak ? `Soak: ${soak.minutes} min at ${soak.rate} req/s (a separate run)` : 'Soak (not run)',
      soak ? soakValue(soak) : '—',
      undefined,
      ['0 errors', soak ? soak.errors === 0 : undefined],
    ],
    [
      `Search p99 over ${n(f.search?.tweets, 0)} tweets (ms)`,
      n(f.search?.p99, 1),
      undefined,
      ['≤ 50 ms', f.search ? f.search.p99 <= 50 : undefined],
    ],
  ];
  const summary = [
    "| figure | value | the design's target | verdict | Starling's goal | verdict |",
    '|---|---|---|---|---|---|',
    ...figures.map(
      ([figure, value, design, goal]) => `| ${figure} | ${value} | ${cell(design)} | ${cell(goal)} |`,
    ),
  ].join('\n');
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
- **Commit:** ${f.commit} · **Date:** ${new Date().toISOString().slice(0, 10)}
- **Machine:** ${f.machine ?? 'not recorded'}
- **Graph:** ${n(f.graph?.accounts, 0)} accounts, ${n(f.graph?.follows, 0)} follows (median following ${n(f.graph?.medianFollowing, 0)}, median followers ${n(f.graph?.medianFollowers, 0)}, largest account ${n(f.graph?.maxFollowers, 0)} followers), celebrity threshold ${n(f.threshold, 0)} (${n(f.graph?.celebrities, 0)} celebrities), loaded in ${n(f.graph?.loadSeconds, 1)} s

## Summary

The design's own targets (read p99 < 200 ms, post p99 < 100 ms, cache hit < 10 ms, cache miss < 50 ms, hit rate
> 90%, fanout < 10 s) in one column; Starling's goals, stricter, in the other.

${summary}

## Goals

${goals(f)}

## Steady mixed load

${n(f.rate, 0)} requests/s for ${n(f.durationSeconds, 0)} s, ${mixText(f.mix)} (latencies in ms):

${table(['operation', 'requests', 'errors', 'p50', 'p90', 'p99', 'p99.9', 'max'], ops)}
${image('latency.svg', 'Latency percentiles per operation under the steady load')}${image('fanout-lag.svg', 'Fanout lag distribution under the steady load')}
Each post wrote ${n(f.steady?.insertsPerPost, 1)} timeline entries on average (only readers active in the cache get one).

## Ceilings, measured in the same run

- **HTTP:** a bare Fastify route answering with the same ${n(f.httpCeiling?.pageBytes, 0)} bytes as a 50-tweet home page, driven by wrk (2 threads, 32 connections): ${n(f.httpCeiling?.throughput, 0)} requests/s (p50 ${n(f.httpCeiling?.p50, 2)} ms, p99 ${n(f.httpCeiling?.p99, 2)} ms). Starling's home timeline at full speed, with the same wrk settings over every reader's session: ${n(f.maxHome?.throughput, 0)} requests/s (${ratio(f.maxHome?.throughput, f.httpCeiling?.throughput)}), p99 ${n(f.maxHome?.p99, 2)} ms.
- **PostgreSQL:** \`pgbench\`, one-row insert transactions from 16 clients (each commit waits for its WAL flush, as a post's does): ${n(f.postgresCeiling?.transactionsPerSecond, 0)} transactions/s, ${n(f.postgresCeiling?.latencyMs, 2)} ms average latency. Posting at ${n(f.posts?.postsPerSecond, 0)}/s for ${n(f.posts?.seconds, 0)} s: p50 ${n(f.posts?.p50, 2)} ms, p99 ${n(f.posts?.p99, 2)} ms, ${n(f.posts?.errors, 0)} errors (${ratio(f.posts?.postsPerSecond, f.postgresCeiling?.transactionsPerSecond)} of the commit ceiling).
- **Redis:** \`redis-benchmark -P 32\`, the list commands timelines use: LPUSH ${n(f.redisCeiling?.lpush, 0)}/s, LRANGE 0 99 (a 50-entry page) ${n(f.redisCeiling?.lrange, 0)}/s. Fanout alone (${n(f.fanout?.tweets, 0)} tweets queued while the fanout process was stopped, then drained): ${n(f.fanout?.deliveries, 0)} deliveries in ${n(f.fanout?.seconds, 2)} s = ${n(f.fanout?.perSecond, 0)} deliveries/s (${ratio(f.fanout?.perSecond, f.redisCeiling?.lpush)} of the LPUSH ceiling). Each delivery is a Lua script (kept-out check, floor, insert, trim) in a pipeline per node, after one index question per page of followers.

## Push, pull and hybrid

The three fanout models, one after another under the same load for ${n(f.models?.hybrid ? Math.min(30, f.durationSeconds) : undefined, 0)} s each: the steady mix while the largest
account (followed by half of everyone) posts once a second — ordinary authors alone would not tell the models apart.
Pure push makes every account a pushed author (the threshold at its maximum); pure pull is Starling's api with caches
that always fail, so each home read is computed from PostgreSQL (the path it takes when Redis is down), and the fanout
process is stopped.

${table(
  [
    'model',
    'timeline writes per post',
    'home read p50 / p99 (ms)',
    'fanout lag p99 (ms)',
    'log drained after (s)',
  ],
  (
    [
      ['hybrid (Starling)', f.models?.hybrid],
      ['pure push', f.models?.push],
      ['pure pull', f.models?.pull],
    ] as const
  ).map(([name, m]) => [
    name,
    n(m?.writesPerPost, 1),
    m ? `${n(m.home.p50, 2)} / ${n(m.home.p99, 2)}` : '—',
    name === 'pure pull' ? 'none: read at once' : n(m?.fanoutLagP99Ms, 0),
    n(m?.drainedAfterSeconds, 1),
  ]),
)}

## A cached home read, step by step

${
  f.anatomy
    ? `${n(f.anatomy.reads, 0)} home reads of warmed timelines, one at a time, with nothing else running, through an api built in the benchmark's process with every PostgreSQL statement and Redis command timed (\`bench/anatomy.ts\`): a read took ${n(f.anatomy.total.p50, 2)} ms at the median, p99 ${n(f.anatomy.total.p99, 2)} ms; ${n(f.anatomy.outsideIo.p50, 2)} ms of the median read (p99 ${n(f.anatomy.outsideIo.p99, 2)} ms) was outside any I/O — routing, hydration, JSON.

${table(
  ['step', 'per read', 'p50 (ms)', 'p99 (ms)'],
  f.anatomy.steps.map((s) => [s.step, n(s.perRead, 2), n(s.p50, 2), n(s.p99, 2)]),
)}
`
    : 'Not measured.'
}
## Cold start

${n(f.coldStart?.readers, 0)} readers who follow about 1,000 accounts (median ${n(f.coldStart?.medianFollowing, 0)}), each reading with no cached timeline: first-read p50 ${n(f.coldStart?.p50, 1)} ms, p99 ${n(f.coldStart?.p99, 1)} ms — the rebuild query and the page, in one request.
${
  f.coldAnatomy
    ? `
The next ${n(f.coldAnatomy.reads, 0)} such readers' first reads, one at a time and step by step as above: p50 ${n(f.coldAnatomy.total.p50, 1)} ms, p99 ${n(f.coldAnatomy.total.p99, 1)} ms, ${n(f.coldAnatomy.outsideIo.p50, 1)} ms of the median outside I/O.

${table(
  ['step', 'per read', 'p50 (ms)', 'p99 (ms)'],
  f.coldAnatomy.steps.map((s) => [s.step, n(s.perRead, 2), n(s.p50, 2), n(s.p99, 2)]),
)}
`
    : ''
}
## Memory

${n(f.memory?.timelines, 0)} cached timelines holding ${n(f.memory?.entries, 0)} entries (${n((f.memory?.entries ?? 0) / Math.max(f.memory?.timelines ?? 1, 1), 0)} on average) take ${n(f.memory?.bytesPerEntry, 1)} bytes per entry by Redis's \`MEMORY USAGE\` of their keys: each timeline is a list of tweet id and author id pairs, stored as 64-bit integers in packed list nodes, plus a small hash. While they were built Redis grew by ${n(f.memory?.grewPerEntry, 1)} bytes per entry in all, which also counts the tweet bodies those reads cached.

## Embedded mode

One \`starling start\` process on PGlite with 200 accounts following 20 each: ${n(f.embedded?.homeReadsPerSecond, 0)} warm home reads/s (40 a page) from wrk with the full-speed settings (${WRK_SETTINGS.threads} threads, ${WRK_SETTINGS.connections} connections), ${n(f.embedded?.postsPerSecond, 0)} posts/s from 16 clients of the benchmark's own process.

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
${n(f.search?.loadSeconds, 0)} s. ${n(f.search?.queries, 0)} queries through \`GET /api/v2/search?type=statuses&limit=20\`,
four in flight, terms drawn with the corpus's frequencies (${n((f.search?.matchedShare ?? 0) * 100, 0)}% found something):
p50 ${n(f.search?.p50, 1)} ms, p99 ${n(f.search?.p99, 1)} ms. The time includes hydrating 20 tweets (tweet cache,
authors, live counters). The slowest kind is a phrase of two frequent words: PostgreSQL estimates a phrase like an AND
of its words, walks the id index backwards, and checks word positions in each candidate's document.

${table(
  ['query', 'p50 (ms)', 'p99 (ms)'],
  Object.entries(f.search?.kinds ?? {}).map(([kind, k]) => [kind, n(k.p50, 1), n(k.p99, 1)]),
)}
${image('search.svg', 'Search latency by kind of query')}
${soakSection(soak)}
## Raw numbers

Every figure of this run, unrounded: ${out === 'docs/benchmarks.md' ? '`bench/results/latest.json`' : `\`${basename(out)}.json\`, beside this report`}.${f.size === 'medium' ? '' : " The design's figures are read against the medium graph (100K accounts); this run used a smaller one."}
`;
  await writeFile(out, text);
}

/** This machine, as a report names it: cores × CPU model, memory, Node.js. */
export const thisMachine = () =>
  `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
