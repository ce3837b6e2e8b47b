/**
 * Where a home read spends its time, cached or cold. An api is built in this process against the benchmark's database and
 * Redis, with every PostgreSQL statement and Redis command timed and attributed to the read that issued it
 * (AsyncLocalStorage); timelines are then read one at a time on an otherwise idle machine. What is left of a read
 * outside its I/O is this process's own work: routing, hydration, JSON.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Redis } from 'ioredis';
import { openPgClient } from '../src/adapters/postgres/pg-client.js';
import type { SqlClient } from '../src/adapters/sql/sql-client.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

type Interval = { step: string; start: number; end: number };

export interface Anatomy {
  reads: number;
  total: { p50: number; p99: number };
  /** Time not covered by any I/O: the api's own CPU work and scheduling. */
  outsideIo: { p50: number; p99: number };
  steps: Array<{ step: string; perRead: number; p50: number; p99: number }>;
}

/** Names for the statements and commands a home read issues. */
const STEPS: Array<[RegExp, string]> = [
  [/WITH sources AS/, 'timeline rebuild (PostgreSQL)'],
  [/FROM sessions/, 'session (PostgreSQL)'],
  [/like_count/, 'live counters, likes and retweets (PostgreSQL)'],
  [/FROM accounts a WHERE a\.id = ANY/, 'authors (PostgreSQL)'],
  [/FROM tweets t WHERE t\.id = ANY/, 'tweet bodies (PostgreSQL)'],
  [/SELECT DISTINCT unnest/, 'celebrity list rebuild (PostgreSQL)'],
  [/^evalsha$|^eval$/, 'timeline and celebrity lists, engagement (Redis scripts)'],
  [/^mget$|^get$/, 'tweet bodies and counters (Redis)'],
  [/^zadd$|^zmscore$/, 'active-reader index (Redis)'],
  [/^multi$|^exec$|^set$/, 'caching tweet bodies (Redis)'],
];
const stepOf = (text: string) =>
  STEPS.find(([pattern]) => pattern.test(text))?.[1] ?? text.replace(/\s+/g, ' ').slice(0, 40);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Milliseconds of [start, end) covered by at least one interval. */
function covered(intervals: Interval[]): number {
  let total = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const { start, end } of [...intervals].sort((a, b) => a.start - b.start)) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

/**
 * Reads each token's home timeline once, in order, and times every step of each read. The `warmUp` tokens are read
 * first, untimed, so the figures are of reads and not of the new process compiling and connecting.
 */
export async function readAnatomy(
  env: Record<string, string>,
  tokens: string[],
  { warmUp = [] }: { warmUp?: string[] } = {},
): Promise<Anatomy> {
  const reads = tokens.length;
  const trace = new AsyncLocalStorage<Interval[]>();
  const record = (step: string, start: number) =>
    trace.getStore()?.push({ step, start, end: performance.now() });
  const pool = openPgClient({ connectionString: env.DATABASE_URL as string });
  const sql: SqlClient = {
    ...pool,
    async query(text, params) {
      const start = performance.now();
      try {
        return await pool.query(text, params);
      } finally {
        record(stepOf(text), start);
      }
    },
  };
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function timed(this: Redis, command, stream) {
    const start = performance.now();
    const result = send.call(this, command, stream);
    command.promise.then(
      () => record(stepOf(command.name), start),
      () => undefined,
    );
    return result;
  };
  const app = await createApp(loadConfig({ ...process.env, ...env, STARLING_RATE_LIMITS: 'off' }), {
    role: 'api',
    sql,
    logger: false,
  });
  const totals: number[] = [];
  const outside: number[] = [];
  const byStep = new Map<string, number[]>();
  // Async, so the request is sent inside the caller's trace: inject's answer is lazy, sent when first awaited.
  const read = async (token: string) =>
    app.http.inject({
      method: 'GET',
      url: '/api/v1/timelines/home?limit=40',
      headers: { authorization: `Bearer ${token}` },
    });
  try {
    for (const token of warmUp) {
      const response = await read(token);
      if (response.statusCode !== 200) throw new Error(`home read answered ${response.statusCode}`);
    }
    for (let i = 0; i < reads; i++) {
      const intervals: Interval[] = [];
      const token = tokens[i] as string;
      const start = performance.now();
      const response = await trace.run(intervals, () => read(token));
      const total = performance.now() - start;
      if (response.statusCode !== 200) throw new Error(`home read answered ${response.statusCode}`);
      totals.push(total);
      outside.push(total - covered(intervals));
      for (const { step, start: s, end } of intervals)
        byStep.set(step, [...(byStep.get(step) ?? []), end - s]);
    }
  } finally {
    Redis.prototype.sendCommand = send;
    await app.close();
    await pool.close();
  }
  return {
    reads,
    total: { p50: percentile(totals, 50), p99: percentile(totals, 99) },
    outsideIo: { p50: percentile(outside, 50), p99: percentile(outside, 99) },
    steps: [...byStep]
      .map(([step, ms]) => ({
        step,
        perRead: ms.length / reads,
        p50: percentile(ms, 50),
        p99: percentile(ms, 99),
      }))
      .sort((a, b) => b.perRead * b.p50 - a.perRead * a.p50),
  };
}
