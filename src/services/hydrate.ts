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

/**
 * Everything a page of tweets needs, loaded: maps by id in which `null` means "looked up, absent" (a tweet or account
 * that does not exist, counters nobody has). Bodies cover the page and the originals of its retweets.
 */
export interface TweetHydration {
  tweets: Map<bigint, Tweet | null>;
  authors: Map<bigint, Author | null>;
  /** The live counters and the viewer's flags (cached bodies carry the counters as they were cached). */
  engagement: Map<bigint, Engagement | null>;
}

/** `found` over every id asked for: what was not found is `null`. */
function lookedUp<T>(ids: Iterable<bigint>, found: Map<bigint, T>): Map<bigint, T | null> {
  const out = new Map<bigint, T | null>();
  for (const id of ids) out.set(id, found.get(id) ?? null);
  return out;
}

/**
 * Loads everything a page of tweets needs in a fixed number of batched lookups (bodies, originals of retweets,
 * authors, and the live counters with the viewer's likes and retweets), whatever the page size. The counters are
 * asked alongside the bodies; a retweet's original is only known from its body, so originals take a second, smaller
 * round. No rule is applied here: that is {@link shown}'s, and a view is {@link presentTweet}'s.
 */
export async function hydrate(
  deps: HydrateDeps,
  ids: readonly bigint[],
  viewerId: bigint | null,
): Promise<TweetHydration> {
  const [found, engagement] = await Promise.all([loadTweets(deps, ids), engagementOf(deps, ids, viewerId)]);
  const originalIds = [...found.values()].flatMap((t) => (t.retweetOfId !== null ? [t.retweetOfId] : []));
  const [originals, originalEngagement] =
    originalIds.length > 0
      ? await Promise.all([loadTweets(deps, originalIds), engagementOf(deps, originalIds, viewerId)])
      : [new Map<bigint, Tweet>(), new Map<bigint, Engagement>()];
  const tweets = lookedUp([...ids, ...originalIds], new Map([...originals, ...found]));
  const present = [...found.values(), ...originals.values()].filter(active);
  const authorIds = present.flatMap((t) => [t.authorId, ...t.mentionIds]);
  const authors = lookedUp(authorIds, await deps.authors.byIds(authorIds));
  const counters = lookedUp([...ids, ...originalIds], new Map([...originalEngagement, ...engagement]));
  return { tweets, authors, engagement: counters };
}

const active = (tweet: Tweet | null | undefined): tweet is Tweet =>
  tweet != null && tweet.status === 'ACTIVE';

/** The rule for one tweet: it is active and its author exists. Pure. */
function showable(state: TweetHydration, id: bigint): Tweet | null {
  const tweet = state.tweets.get(id);
  return active(tweet) && state.authors.get(tweet.authorId) ? tweet : null;
}

/** The rule for a page's item: it may be shown, and so may its original, for a retweet. Pure. */
export function shown(state: TweetHydration, id: bigint): boolean {
  const tweet = showable(state, id);
  return tweet !== null && (tweet.retweetOfId === null || showable(state, tweet.retweetOfId) !== null);
}

/** A tweet's view with the live counters; its author exists (see {@link shown}). Pure and synchronous. */
function viewOf(state: TweetHydration, cached: Tweet, retweetOf: TweetView | null): TweetView {
  const live = state.engagement.get(cached.id);
  const tweet = live
    ? { ...cached, likeCount: live.likeCount, retweetCount: live.retweetCount, replyCount: live.replyCount }
    : cached;
  return {
    tweet,
    author: state.authors.get(cached.authorId) as Author,
    mentions: cached.mentionIds.flatMap((mentioned) => state.authors.get(mentioned) ?? []),
    retweetOf,
    liked: live?.liked ?? false,
    retweeted: live?.retweeted ?? false,
  };
}

/** The view of a page's item the rules let through, with its original for a retweet; null otherwise. Pure. */
export function presentTweet(state: TweetHydration, id: bigint): TweetView | null {
  if (!shown(state, id)) return null;
  const tweet = state.tweets.get(id) as Tweet;
  const original = tweet.retweetOfId === null ? null : (state.tweets.get(tweet.retweetOfId) as Tweet);
  return viewOf(state, tweet, original && viewOf(state, original, null));
}

/**
 * Hydrates `ids` and presents the ones that may be shown: tweets that are deleted or hidden, or whose original is,
 * are left out of the map, and callers treat absence as "do not show".
 */
export async function hydrateTweets(
  deps: HydrateDeps,
  ids: readonly bigint[],
  viewerId: bigint | null,
): Promise<Map<bigint, TweetView>> {
  const state = await hydrate(deps, ids, viewerId);
  const out = new Map<bigint, TweetView>();
  for (const id of ids) {
    const view = presentTweet(state, id);
    if (view) out.set(id, view);
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
