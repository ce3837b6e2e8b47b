import { type Audience, drained, openLoad, pick } from '../measure.js';
import { buckets, quantileOf } from '../processes.js';
import { durationMs, FANOUT, mix, rate, say, seed } from '../settings.js';

/**
 * The celebrity storm: the steady mixed load again, while the largest account (followed by half of everyone) posts
 * 10 times a second. Its tweets travel on their own stream and are pulled by readers, so ordinary fanout lag and home
 * reads should not suffer.
 */
export async function stormScenario(who: Audience) {
  const seconds = Math.min(30, durationMs / 1_000);
  say(`celebrity storm: account 0 posting 10/s for ${seconds} s under ${rate} req/s`);
  const lagBuckets = () =>
    Promise.all([
      buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="fanout"'),
      buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="celebrity"'),
    ]);
  const before = await lagBuckets();
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
