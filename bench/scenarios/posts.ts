import { cpuCores } from '../capacity-samples.js';
import { type Audience, drained, openLoad, pick } from '../measure.js';
import { API, durationMs, say, seed } from '../settings.js';

/**
 * Posting at 500 posts/s (posts only, open loop, a third of the duration), the rate the post-latency goal names; with
 * the api's CPU use for the capacity model.
 */
export async function postsScenario(who: Audience) {
  const postsPerSecond = 500;
  const seconds = Math.max(5, durationMs / 3_000);
  say(`posts: ${postsPerSecond}/s for ${seconds} s`);
  const cpu = await cpuCores(API.base);
  const result = await openLoad(who, {
    rate: postsPerSecond,
    durationMs: seconds * 1_000,
    mix: { post: 1 },
    seed: seed + 7,
  });
  const drainedAfterSeconds = await drained();
  const postsApiCores = await cpu();
  const post = result.operations.post;
  const posts = {
    postsPerSecond,
    seconds,
    ...pick(result, 'post'),
    // Open loop: what the api got through, from the first due time to the last answer.
    completedPerSecond: (post?.count ?? 0) / result.seconds,
    errorReasons: post?.errorReasons ?? {},
    drainedAfterSeconds,
  };
  return { posts, postsApiCores };
}
