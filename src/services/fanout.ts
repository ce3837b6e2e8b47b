import type { DomainEvent, EventStream } from '../domain/events.js';
import type { TimelineEntry } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';
import type { GraphStore } from '../ports/graph-store.js';
import type { TimelineCache } from '../ports/timeline-cache.js';
import { publishingTo, type TimelineFeed } from '../ports/timeline-feed.js';
import type { TweetCache } from '../ports/tweet-cache.js';
import type { TweetStore } from '../ports/tweet-store.js';
import type { FollowerLists } from './follower-lists.js';

export interface FanoutSettings {
  timelineMax: number;
  /** Tweets of a demoted celebrity merged into each follower's timeline. */
  rebuildPerAuthor: number;
}

export interface FanoutDeps {
  tweets: TweetStore;
  accounts: AccountStore;
  graph: GraphStore;
  /** Each author's followers, in pages (kept in memory for authors who post often). */
  followers: FollowerLists;
  cache: TimelineCache;
  celebrityLists: TimelineCache;
  tweetCache?: TweetCache | undefined;
  settings: FanoutSettings;
  /** Told of every entry written into or removed from readers' timelines, for the streaming API. */
  feed?: TimelineFeed | undefined;
}

export interface FanoutResult {
  /** Timelines that received (or lost) an entry. */
  deliveries: number;
}

const NOTHING: FanoutResult = { deliveries: 0 };

/**
 * Applies one event to the cached timelines. Every case re-reads the source of truth first, so a duplicate or a late
 * event (a create delivered after its delete, a follow after its unfollow, a tweet routed before its author's fanout
 * mode changed) changes nothing it should not.
 */
export function createFanoutService({
  tweets,
  accounts,
  graph,
  followers,
  cache: timelines,
  celebrityLists,
  tweetCache,
  settings,
  feed,
}: FanoutDeps) {
  const cache = feed ? publishingTo(feed, timelines) : timelines;
  const eachFollowerPage = followers.eachPage;

  async function modeOf(authorId: bigint) {
    return (await accounts.byIds([authorId])).get(authorId)?.fanoutMode ?? 'push';
  }

  async function tweetCreated(tweetId: bigint, authorId: bigint): Promise<FanoutResult> {
    // The author's mode now, not when the tweet was routed: a celebrity's tweet goes to their recent list only, and
    // readers pull it; a demoting author's tweets are pushed already (readers also still pull them, once).
    const [found, mode] = await Promise.all([tweets.byIds([tweetId]), modeOf(authorId)]);
    if (found.get(tweetId)?.status !== 'ACTIVE') return NOTHING;
    const entry: TimelineEntry = { tweetId, authorId };
    let deliveries = await cache.insert([authorId], entry);
    if (mode === 'pull') {
      await celebrityLists.insert([authorId], entry);
      return { deliveries };
    }
    deliveries += await eachFollowerPage(authorId, (ids) => cache.insert(ids, entry));
    return { deliveries };
  }

  async function tweetDeleted(tweetId: bigint, authorId: bigint, stream: EventStream): Promise<FanoutResult> {
    // Again after the API did: a read racing the delete may have cached the body as it was.
    await tweetCache?.invalidate([tweetId]);
    await cache.remove([authorId], tweetId);
    await celebrityLists.remove([authorId], tweetId);
    // A tweet posted as a celebrity was never pushed; removing it everywhere anyway would cost a full follower scan.
    if (stream === 'celebrity' && (await modeOf(authorId)) === 'pull') return { deliveries: 1 };
    const deliveries = await eachFollowerPage(authorId, async (ids) => {
      await cache.remove(ids, tweetId);
      return ids.length;
    });
    return { deliveries: deliveries + 1 };
  }

  /** An author stopped being a celebrity: their recent tweets go into followers' timelines, then pushing resumes. */
  async function authorDemoted(authorId: bigint): Promise<FanoutResult> {
    if ((await modeOf(authorId)) !== 'demoting') return NOTHING;
    const recent = await tweets.byAuthors([authorId], { limit: settings.rebuildPerAuthor });
    const deliveries = await eachFollowerPage(authorId, async (ids) => {
      // One question for the page, then one merge of every recent tweet per follower with a timeline.
      const active = await cache.activeAmong(ids);
      await Promise.all(active.map((id) => cache.merge(id, recent)));
      return active.length;
    });
    await graph.completeDemotion(authorId);
    return { deliveries };
  }

  return {
    async apply(event: DomainEvent, stream: EventStream): Promise<FanoutResult> {
      switch (event.type) {
        case 'tweet.created':
          return tweetCreated(event.tweetId, event.authorId);
        case 'tweet.deleted':
          return tweetDeleted(event.tweetId, event.authorId, stream);
        case 'author.demoted':
          return authorDemoted(event.authorId);
        case 'tweet.liked':
        case 'tweet.unliked':
          // Counters only; timelines hold no likes.
          return NOTHING;
        case 'follow.created': {
          const { followerId, followeeId } = event;
          await followers.changed(followeeId);
          if (!(await graph.followedAmong(followerId, [followeeId])).has(followeeId)) return NOTHING;
          if ((await modeOf(followeeId)) === 'pull') return NOTHING;
          const recent = await tweets.byAuthors([followeeId], { limit: settings.timelineMax });
          await cache.merge(followerId, recent);
          return { deliveries: 1 };
        }
        case 'follow.deleted': {
          const { followerId, followeeId } = event;
          await followers.changed(followeeId);
          if ((await graph.followedAmong(followerId, [followeeId])).has(followeeId)) return NOTHING;
          await cache.removeAuthor(followerId, followeeId);
          return { deliveries: 1 };
        }
      }
    },
  };
}

export type FanoutService = ReturnType<typeof createFanoutService>;
