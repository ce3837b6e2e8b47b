import type { IdWindow, Tweet } from '../domain/model.js';
import type { TweetCache } from '../ports/tweet-cache.js';
import type { Engagement, TweetStore } from '../ports/tweet-store.js';
import type { Author, AuthorDirectory } from './authors.js';
import { type EngagementDeps, engagementOf } from './engagement.js';
import { type Page, type RefillSource, refillPage } from './pages.js';

export interface TweetView {
  tweet: Tweet;
  author: Author;
  /** The accounts the tweet mentions (those that still exist), in the order of `tweet.mentionIds`. */
  mentions: Author[];
  /** The original, for a retweet. */
  retweetOf: TweetView | null;
  liked: boolean;
  retweeted: boolean;
}

export interface HydrateDeps extends EngagementDeps {
  tweets: TweetStore;
  authors: AuthorDirectory;
  /** Tweet bodies, asked before the store; optional, and a failing cache only means the store is asked. */
  tweetCache?: TweetCache | undefined;
}

/** Bodies from the cache, the rest from the store (and then cached): one round trip each for a page. */
async function loadTweets(
  { tweets, tweetCache }: HydrateDeps,
  ids: readonly bigint[],
): Promise<Map<bigint, Tweet>> {
  if (!tweetCache) return tweets.byIds(ids);
  const cached = await tweetCache.getMany(ids).catch(() => new Map<bigint, Tweet>());
  const missing = [...new Set(ids)].filter((id) => !cached.has(id));
  if (missing.length === 0) return cached;
  const loaded = await tweets.byIds(missing);
  await tweetCache.setMany([...loaded.values()]).catch(() => undefined);
  return new Map([...cached, ...loaded]);
}

const visible = (tweet: Tweet | undefined): tweet is Tweet =>
  tweet !== undefined && tweet.status === 'ACTIVE';

/**
 * Loads everything a page of tweets needs in a fixed number of batched lookups (bodies, originals of retweets,
 * authors, and the live counters with the viewer's likes and retweets), whatever the page size. The counters are
 * asked alongside the bodies; a retweet's original is only known from its body, so originals take a second, smaller
 * round. Tweets that are deleted or hidden, or whose original is, are left out of the map: callers treat absence as
 * "do not show".
 */
export async function hydrateTweets(
  deps: HydrateDeps,
  ids: readonly bigint[],
  viewerId: bigint | null,
): Promise<Map<bigint, TweetView>> {
  const { authors: directory } = deps;
  // Cached bodies carry the counters as they were cached; these are the live ones.
  const [found, engagement] = await Promise.all([loadTweets(deps, ids), engagementOf(deps, ids, viewerId)]);
  const originalIds = [...found.values()].flatMap((t) => (t.retweetOfId !== null ? [t.retweetOfId] : []));
  const [originals, originalEngagement] =
    originalIds.length > 0
      ? await Promise.all([loadTweets(deps, originalIds), engagementOf(deps, originalIds, viewerId)])
      : [new Map<bigint, Tweet>(), new Map<bigint, Engagement>()];
  const all = [...found.values(), ...originals.values()].filter(visible);
  const authors = await directory.byIds(all.flatMap((t) => [t.authorId, ...t.mentionIds]));

  const view = (cached: Tweet, retweetOf: TweetView | null): TweetView | null => {
    const author = authors.get(cached.authorId);
    if (!author) return null;
    const live = engagement.get(cached.id) ?? originalEngagement.get(cached.id);
    const tweet = live
      ? { ...cached, likeCount: live.likeCount, retweetCount: live.retweetCount, replyCount: live.replyCount }
      : cached;
    const mentions = cached.mentionIds.flatMap((id) => authors.get(id) ?? []);
    return {
      tweet,
      author,
      mentions,
      retweetOf,
      liked: live?.liked ?? false,
      retweeted: live?.retweeted ?? false,
    };
  };

  const out = new Map<bigint, TweetView>();
  for (const id of ids) {
    const tweet = found.get(id);
    if (!visible(tweet)) continue;
    let original: TweetView | null = null;
    if (tweet.retweetOfId !== null) {
      const source = originals.get(tweet.retweetOfId);
      original = visible(source) ? view(source, null) : null;
      if (!original) continue;
    }
    const hydrated = view(tweet, original);
    if (hydrated) out.set(id, hydrated);
  }
  return out;
}

/** Hydrates `ids` and returns the views that may be shown, in the order of `ids`. */
export async function presentInOrder(
  deps: HydrateDeps,
  ids: readonly bigint[],
  viewerId: bigint | null,
): Promise<TweetView[]> {
  const views = await hydrateTweets(deps, ids, viewerId);
  return ids.flatMap((id) => views.get(id) ?? []);
}

/** A keyset page of tweets from a skeleton of ids, hydrated for the viewer and refilled when some are not shown. */
export function tweetPage(
  deps: HydrateDeps,
  skeleton: RefillSource<TweetView>['skeleton'],
  window: IdWindow,
  viewerId: bigint | null,
): Promise<Page<TweetView>> {
  return refillPage(
    {
      skeleton,
      present: (entries) =>
        presentInOrder(
          deps,
          entries.map((e) => e.tweetId),
          viewerId,
        ),
    },
    window,
    (v) => v.tweet.id,
  );
}
