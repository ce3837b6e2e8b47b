/**
 * The load generator, run in a process of its own (forked by bench/run.ts). Open-loop: request i is due at
 * start + i/rate whether or not earlier ones finished, and its latency counts from when it was due, so a stall shows
 * up in the percentiles instead of hiding (no coordinated omission). Closed-loop (a fixed number of requests in
 * flight) measures the most a server can do. Percentiles come from HdrHistogram.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import { accountId, seedTweetId, tokenOf } from './ids.js';
import { seeded } from './random.js';

/** What a mix may hold (`--mix`): reads, posts, and follows and likes (each undone half the time). */
export const MIX_OPERATIONS = ['home', 'account', 'post', 'follow', 'like'] as const;
/** `storm`: a post by account 0, the largest account (the celebrity storm); `ceiling`: the bare HTTP route. */
export type Operation = (typeof MIX_OPERATIONS)[number] | 'storm' | 'ceiling';

export interface LoadJob {
  base: string;
  mode: 'open' | 'closed';
  /** Requests per second (open loop). */
  rate: number;
  /** Requests in flight (closed loop). */
  concurrency: number;
  durationMs: number;
  mix: Partial<Record<Operation, number>>;
  /** Readers are drawn from account indexes [0, readers). */
  readers: number;
  accounts: number;
  /** Seed tweets in the graph (for likes). */
  tweets: number;
  seed: number;
}

/** Sent by the load process every half second while it runs. */
export interface LoadProgress {
  seconds: number;
  sent: number;
  errors: number;
}

export interface OperationResult {
  count: number;
  errors: number;
  /** Why requests failed: an HTTP status (`HTTP 503`) or the client's error code, with how many of each. */
  errorReasons?: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  seconds: number;
  throughput: number;
  operations: Partial<Record<Operation, OperationResult>>;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const random = seeded(job.seed);
  const histograms = new Map<Operation, Histogram>();
  const errors = new Map<Operation, Map<string, number>>();
  const entries = Object.entries(job.mix) as [Operation, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  const chooseOp = (): Operation => {
    let roll = random.next() * total;
    for (const [op, weight] of entries) {
      roll -= weight;
      if (roll <= 0) return op;
    }
    return entries[0]?.[0] ?? 'home';
  };
  let posted = 0;

  /** Sends one request; resolves to null when it succeeded, or to why it failed. */
  async function request(op: Operation): Promise<string | null> {
    const reader = random.int(job.readers);
    const headers = { authorization: `Bearer ${tokenOf(reader)}` };
    // Follows and likes are undone half the time, so a long run leaves the graph and the counters about as it found them.
    const undo = random.next() < 0.5;
    let response: Response;
    switch (op) {
      case 'home':
        response = await fetch(`${job.base}/api/v1/timelines/home?limit=40`, { headers });
        break;
      case 'account':
        response = await fetch(
          `${job.base}/api/v1/accounts/${accountId(random.int(job.accounts))}/statuses?limit=20`,
        );
        break;
      case 'post':
        response = await fetch(`${job.base}/api/v1/statuses`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ status: `bench post ${posted++} #bench` }),
        });
        break;
      case 'follow': {
        let followee = random.int(job.accounts);
        if (followee === reader) followee = (followee + 1) % job.accounts;
        response = await fetch(
          `${job.base}/api/v1/accounts/${accountId(followee)}/${undo ? 'unfollow' : 'follow'}`,
          {
            method: 'POST',
            headers,
          },
        );
        break;
      }
      case 'like':
        response = await fetch(
          `${job.base}/api/v1/statuses/${seedTweetId(random.int(job.tweets))}/${undo ? 'unfavourite' : 'favourite'}`,
          { method: 'POST', headers },
        );
        break;
      case 'storm':
        response = await fetch(`${job.base}/api/v1/statuses`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tokenOf(0)}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ status: `storm post ${posted++} #storm` }),
        });
        break;
      case 'ceiling':
        response = await fetch(`${job.base}/page`);
        break;
    }
    await response.arrayBuffer();
    return response.ok ? null : `HTTP ${response.status}`;
  }

  function record(op: Operation, micros: number, failure: string | null) {
    let histogram = histograms.get(op);
    if (!histogram) {
      histogram = build({
        lowestDiscernibleValue: 1,
        highestTrackableValue: 120_000_000,
        numberOfSignificantValueDigits: 3,
      });
      histograms.set(op, histogram);
    }
    histogram.recordValue(Math.max(1, Math.round(micros)));
    if (failure !== null) {
      const reasons = errors.get(op) ?? new Map<string, number>();
      reasons.set(failure, (reasons.get(failure) ?? 0) + 1);
      errors.set(op, reasons);
    }
  }

  async function timed(op: Operation, dueAt: number) {
    let failure: string | null;
    try {
      failure = await request(op);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      failure = cause?.code ?? cause?.message ?? String(error);
    }
    record(op, (performance.now() - dueAt) * 1_000, failure);
  }

  const started = performance.now();
  const end = started + job.durationMs;
  let sent = 0;
  const progress = setInterval(() => {
    const failed = [...errors.values()].reduce(
      (sum, reasons) => sum + [...reasons.values()].reduce((a, b) => a + b, 0),
      0,
    );
    const report: LoadProgress = { seconds: (performance.now() - started) / 1_000, sent, errors: failed };
    process.send?.({ progress: report });
  }, 500);
  if (job.mode === 'open') {
    const inFlight = new Set<Promise<void>>();
    const interval = 1_000 / job.rate;
    while (performance.now() < end) {
      const dueAt = started + sent * interval;
      const wait = dueAt - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const promise = timed(chooseOp(), dueAt);
      sent += 1;
      inFlight.add(promise);
      void promise.finally(() => inFlight.delete(promise));
    }
    await Promise.all(inFlight);
  } else {
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (performance.now() < end) {
          await timed(chooseOp(), performance.now());
          sent += 1;
        }
      }),
    );
  }
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1_000;
  const operations: LoadResult['operations'] = {};
  for (const [op, h] of histograms) {
    operations[op] = {
      count: h.totalCount,
      errors: [...(errors.get(op)?.values() ?? [])].reduce((sum, k) => sum + k, 0),
      errorReasons: Object.fromEntries(errors.get(op) ?? []),
      p50: h.getValueAtPercentile(50) / 1_000,
      p90: h.getValueAtPercentile(90) / 1_000,
      p99: h.getValueAtPercentile(99) / 1_000,
      p999: h.getValueAtPercentile(99.9) / 1_000,
      max: h.maxValue / 1_000,
      mean: h.mean / 1_000,
    };
  }
  return { seconds, throughput: sent / seconds, operations };
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
});
