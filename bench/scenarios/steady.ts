import type { Figures } from '../figures.js';
import { type Audience, drained, openLoad } from '../measure.js';
import { buckets, metric, quantile } from '../processes.js';
import { API, durationMs, FANOUT, mix, rate, say, seed } from '../settings.js';

/**
 * The steady mixed load: `--mix` at `--rate` req/s, open loop, for the run's duration; with fanout lag, timeline
 * inserts per post and the home timeline cache's hit rate from the processes' metrics.
 */
export async function steadyScenario(who: Audience): Promise<Figures['steady']> {
  say(`steady mixed load: ${rate} req/s open loop for ${durationMs / 1_000} s`);
  const insertsBefore = await metric(FANOUT.base, 'starling_timeline_inserts_total');
  const reads = async () => ({
    hits: await metric(API.base, 'starling_timeline_cache_hits_total'),
    misses: await metric(API.base, 'starling_timeline_cache_misses_total'),
  });
  const readsBefore = await reads();
  const steady = await openLoad(who, { rate, durationMs, mix, seed: seed + 1 });
  await drained();
  const readsAfter = await reads();
  const [hits, misses] = [readsAfter.hits - readsBefore.hits, readsAfter.misses - readsBefore.misses];
  const posts = steady.operations.post?.count ?? 0;
  return {
    throughput: steady.throughput,
    operations: steady.operations,
    fanoutLagP99: await quantile(FANOUT.base, 'starling_fanout_lag_seconds', 0.99, 'stream="fanout"'),
    fanoutLagBuckets: await buckets(FANOUT.base, 'starling_fanout_lag_seconds', 'stream="fanout"'),
    insertsPerPost:
      ((await metric(FANOUT.base, 'starling_timeline_inserts_total')) - insertsBefore) / Math.max(posts, 1),
    hitRate: hits + misses > 0 ? hits / (hits + misses) : undefined,
  };
}
