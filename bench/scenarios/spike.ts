import type { Figures } from '../figures.js';
import { type Audience, drained, openLoad, pick, sleep } from '../measure.js';
import { metric } from '../processes.js';
import { API, durationMs, FANOUT, mix, rate, say, seed } from '../settings.js';

/**
 * The write spike: ten times the steady mix's post rate, posts only, for up to 30 s. The log should absorb it: no
 * request fails, and the consumer lag (log pending plus outbox backlog, sampled each second) drains soon after.
 */
export async function spikeScenario(who: Audience): Promise<Figures['spike']> {
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
  const result = await openLoad(who, {
    rate: postsPerSecond,
    durationMs: seconds * 1_000,
    mix: { post: 1 },
    seed: seed + 2,
  });
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
