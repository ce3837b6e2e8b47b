import type { EngagementCache, ViewerEngagement } from '../ports/engagement-cache.js';
import type { Engagement, TweetStore } from '../ports/tweet-store.js';

export interface EngagementDeps {
  tweets: Pick<TweetStore, 'engagement'>;
  /** Counters and viewers' likes and retweets; optional, and a failing cache only means the store is asked. */
  engagementCache?: EngagementCache | undefined;
}

const NOTHING_KNOWN: ViewerEngagement = { known: new Set(), liked: new Set(), retweeted: new Set() };

/**
 * The live counters of `ids` and whether the viewer liked and retweeted each: from the cache where it can answer
 * (counters cached, and the viewer's state covering the tweet), from the store for the rest in one query, whose
 * counters are then cached (never over a newer copy). A warm page asks the store nothing.
 */
export async function engagementOf(
  { tweets, engagementCache: cache }: EngagementDeps,
  ids: readonly bigint[],
  viewerId: bigint | null,
): Promise<Map<bigint, Engagement>> {
  if (!cache) return tweets.engagement(ids, viewerId);
  const unique = [...new Set(ids)];
  const [counters, viewer] = await Promise.all([
    cache.counters(unique).catch(() => new Map()),
    viewerId === null ? NOTHING_KNOWN : cache.viewer(viewerId, unique).catch(() => NOTHING_KNOWN),
  ]);
  const missing = unique.filter((id) => !counters.has(id) || (viewerId !== null && !viewer.known.has(id)));
  const fresh =
    missing.length > 0 ? await tweets.engagement(missing, viewerId) : new Map<bigint, Engagement>();
  if (fresh.size > 0) {
    const copies = [...fresh].map(([tweetId, e]) => ({ tweetId, ...e }));
    await cache.putCounters(copies).catch(() => undefined);
  }
  const out = new Map<bigint, Engagement>();
  for (const id of unique) {
    const found = fresh.get(id);
    if (found) {
      out.set(id, found);
      continue;
    }
    const held = counters.get(id);
    if (!held) continue;
    out.set(id, {
      likeCount: held.likeCount,
      retweetCount: held.retweetCount,
      replyCount: held.replyCount,
      version: held.version,
      liked: viewer.liked.has(id),
      retweeted: viewer.retweeted.has(id),
    });
  }
  return out;
}
