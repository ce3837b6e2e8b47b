/** How the scenarios load the running api and read what happened: loads, timed reads, drains and percentiles. */
import { tokenOf } from './graph.js';
import type { LoadJob, LoadResult } from './load.js';
import { buckets, metric, runLoad } from './processes.js';
import { API, FANOUT, seedTweets } from './settings.js';

/** The readers a scenario loads as (the first `readers` accounts' sessions), over the graph's `accounts`. */
export interface Audience {
  readers: number;
  accounts: number;
}

/**
 * An open-loop load on the api: requests on schedule at `rate`, from the first `readers` accounts' sessions, over
 * the graph's `accounts` (for account timelines, follows and likes).
 */
export const openLoad = (who: Audience, load: Pick<LoadJob, 'rate' | 'durationMs' | 'mix' | 'seed'>) =>
  runLoad({ base: API.base, mode: 'open', concurrency: 0, tweets: seedTweets, ...who, ...load });

/** Each reader's home timeline read once, `concurrency` at a time: the latencies in milliseconds. */
export async function readEach(readers: number[], concurrency: number): Promise<number[]> {
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

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Waits until fanout has nothing left (no outbox backlog, nothing pending in the log): the seconds it took. */
export async function drained(timeoutMs = 300_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const backlog = await metric(FANOUT.base, 'starling_outbox_backlog');
    const pending = await metric(FANOUT.base, 'starling_log_consumer_pending');
    if (backlog === 0 && pending === 0) return (performance.now() - started) / 1_000;
    if (performance.now() - started > timeoutMs) throw new Error('fanout did not drain');
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One operation's latency and errors from a load's result (zeros where it did not run). */
export function pick(result: LoadResult, op: keyof LoadResult['operations']) {
  const o = result.operations[op];
  return { p50: o?.p50 ?? 0, p99: o?.p99 ?? 0, errors: o?.errors ?? 0 };
}

/** Both fanout streams' lag histograms, added bucket by bucket (the same bounds), or none while fanout is stopped. */
export async function allLagBuckets(): Promise<[number, number][]> {
  const [ordinary, celebrity] = await Promise.all(
    ['fanout', 'celebrity'].map((stream) =>
      buckets(FANOUT.base, 'starling_fanout_lag_seconds', `stream="${stream}"`).catch(() => []),
    ),
  );
  return (ordinary ?? []).map(([le, count], i) => [le, count + (celebrity?.[i]?.[1] ?? 0)]);
}
