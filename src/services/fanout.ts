import type { DomainEvent, EventStream } from '../domain/events.js';
import { pulls, pushes } from '../domain/fanout-mode.js';
import type { TimelineEntry, Tweet } from '../domain/model.js';
import type { ChangeNotices } from '../ports/change-notices.js';
import type { FanoutModes } from '../ports/fanout-modes.js';
import type { GraphStore } from '../ports/graph-store.js';
import { boundedFloor, type RecentTweetLists, type TimelineCache } from '../ports/timeline-cache.js';
import { publishingTo, type TimelineEventKind, type TimelineFeed } from '../ports/timeline-feed.js';
import type { TweetCache } from '../ports/tweet-cache.js';
import type { TweetStore } from '../ports/tweet-store.js';
import { createCrossings } from './crossings.js';
import type { FollowerLists } from './follower-lists.js';

export interface FanoutSettings {
  timelineMax: number;
  /** Tweets of a demoted celebrity merged into each follower's timeline. */
  demotionMerge: number;
}

export interface FanoutDeps {
  tweets: TweetStore;
  modes: FanoutModes;
  graph: GraphStore;
  /** Each author's followers, in pages (kept in memory for authors who post often). */
  followers: FollowerLists;
  /** Readers' home timelines. */
  timelines: TimelineCache;
  celebrityLists: RecentTweetLists;
  tweetCache?: TweetCache | undefined;
  settings: FanoutSettings;
  /**
   * Told of every entry written into or removed from readers' timelines, and once of every public post that arrives,
   * leaves or changes, for the streaming API.
   */
  feed?: TimelineFeed | undefined;
  /** Told of every changed profile, so every api process forgets its copy. */
  notices?: ChangeNotices | undefined;
}

export interface FanoutResult {
  /** Timelines that received (or lost) an entry. */
  deliveries: number;
}

const NOTHING: FanoutResult = { deliveries: 0 };

/**
 * Applies one event to the cached timelines. Every case re-reads the source of truth first, so a duplicate or a late
 * event (a create delivered after its delete, a follow after its unfollow, a tweet routed before its author's fanout
 * mode changed) changes nothing it should not. And every write is checked against the truth again once it is done:
 * a worker that stalled between its check and its write (a paused process, resumed after its work was redelivered
 * and the tweet deleted, or the follow undone) takes back what it should not have written. Either that second check
 * sees the change, or the change committed after the write, and its own event's fanout, which starts after the
 * commit, undoes the write — so no late write outlives both.
 */
export function createFanoutService(deps: FanoutDeps) {
  const { tweets, modes, graph, followers, celebrityLists, tweetCache, settings, feed, notices } = deps;
  // What fanout writes into readers' timelines is also told to their open streams.
  const timelines = feed ? publishingTo(feed, deps.timelines) : deps.timelines;
  const eachFollowerPage = followers.eachPage;
  const modeOf = (authorId: bigint) => modes.modeOf(authorId);
  const crossings = createCrossings({
    tweets,
    modes,
    followers,
    timelines,
    celebrityLists,
    demotionMerge: settings.demotionMerge,
  });

  /**
   * The public streams show what the public timeline lists (public originals): one event per post, for every process
   * at once, never one per reader. Best effort like every live update: a feed that fails never fails the fanout.
   */
  async function tellPublic(kind: TimelineEventKind, tweet: Tweet | undefined): Promise<void> {
    if (!feed || tweet?.visibility !== 'public' || tweet.retweetOfId !== null) return;
    const event = { kind, tweetId: tweet.id, tags: tweet.hashtags, media: tweet.media.length > 0 };
    await feed.publishPublic([event]).catch(() => undefined);
  }

  async function tweetCreated(tweetId: bigint, authorId: bigint): Promise<FanoutResult> {
    // The author's mode now, not when the tweet was routed: a celebrity's tweet goes to their recent list only, and
    // readers pull it; a crossing author's tweets are pushed (readers also pull them, once).
    const [found, mode] = await Promise.all([tweets.byIds([tweetId]), modeOf(authorId)]);
    if (found.get(tweetId)?.status !== 'ACTIVE') return NOTHING;
    const entry: TimelineEntry = { tweetId, authorId };
    let deliveries = await timelines.insert([authorId], entry);
    if (!pushes(mode)) await celebrityLists.insert([authorId], entry);
    else deliveries += await eachFollowerPage(authorId, (ids) => timelines.insert(ids, entry));
    if ((await tweets.byIds([tweetId])).get(tweetId)?.status !== 'ACTIVE') {
      // Deleted while this was being written (this worker was late): no cached list keeps what was just put there.
      await tweetDeleted(tweetId, authorId, pushes(mode) ? 'fanout' : 'celebrity');
      return NOTHING;
    }
    await tellPublic('update', found.get(tweetId));
    return { deliveries };
  }

  const follows = async (followerId: bigint, followeeId: bigint) =>
    (await graph.followedAmong(followerId, [followeeId])).has(followeeId);

  async function followCreated(followerId: bigint, followeeId: bigint): Promise<FanoutResult> {
    // The list's version moves before the merge below reads the followee's tweets (see FollowerVersions).
    await followers.changed(followeeId);
    if (!(await follows(followerId, followeeId))) return NOTHING;
    // Again after the api did, in case it could not: let the followee in, pulled or pushed by their mode now.
    const mode = await modeOf(followeeId);
    await timelines.followed(followerId, followeeId, pulls(mode));
    const recent = pushes(mode) ? await tweets.byAuthors([followeeId], { limit: settings.timelineMax }) : [];
    if (recent.length > 0)
      await timelines.merge(followerId, recent, boundedFloor(recent, settings.timelineMax));
    // An unfollow that committed while this ran kept the followee out before this let them in: again.
    if (!(await follows(followerId, followeeId))) {
      await timelines.unfollowed(followerId, followeeId);
      return { deliveries: 1 };
    }
    // And a tweet deleted while this merged may have had its removal run before the merge put it back.
    if (recent.length > 0) {
      const now = await tweets.byIds(recent.map((e) => e.tweetId));
      for (const { tweetId } of recent) {
        if (now.get(tweetId)?.status !== 'ACTIVE') await timelines.remove([followerId], tweetId);
      }
    }
    return { deliveries: 1 };
  }

  async function followDeleted(followerId: bigint, followeeId: bigint): Promise<FanoutResult> {
    await followers.changed(followeeId);
    if (await follows(followerId, followeeId)) return NOTHING;
    // Again after the api did, in case it could not.
    await timelines.unfollowed(followerId, followeeId);
    // Followed again while this ran: the new follow's fanout may have let the followee in before this kept them out.
    if (await follows(followerId, followeeId)) return followCreated(followerId, followeeId);
    return { deliveries: 1 };
  }

  async function tweetDeleted(tweetId: bigint, authorId: bigint, stream: EventStream): Promise<FanoutResult> {
    // Again after the API did: a read racing the delete may have cached the body as it was.
    await tweetCache?.invalidate([tweetId]);
    await timelines.remove([authorId], tweetId);
    await celebrityLists.remove([authorId], tweetId);
    if (feed) await tellPublic('delete', (await tweets.byIds([tweetId])).get(tweetId));
    // A tweet posted as a celebrity was never pushed; removing it everywhere anyway would cost a full follower scan.
    if (stream === 'celebrity' && (await modeOf(authorId)) === 'pull') return { deliveries: 1 };
    const deliveries = await eachFollowerPage(authorId, async (ids) => {
      await timelines.remove(ids, tweetId);
      return ids.length;
    });
    return { deliveries: deliveries + 1 };
  }

  /**
   * An edit: the body cache gets the post as it is now (again after the api did, in case it could not, or a read put
   * an older copy back meanwhile), and the connected readers who may have it — the author and the followers — are sent
   * it again. Walking the followers costs what a push does; edits are rare, and a celebrity's travel on their stream.
   */
  async function tweetEdited(tweetId: bigint, authorId: bigint): Promise<FanoutResult> {
    const tweet = (await tweets.byIds([tweetId])).get(tweetId);
    if (tweet?.status !== 'ACTIVE') return NOTHING;
    await tweetCache?.put([tweet]);
    if (!feed) return NOTHING;
    await tellPublic('status.update', tweet);
    // Live updates are an extra: a feed that fails never fails the edit, and a reader's next read shows it anyway.
    const tell = (readerIds: readonly bigint[]) =>
      feed.publish([{ kind: 'status.update', tweetId, readerIds }]).then(
        () => readerIds.length,
        () => 0,
      );
    const deliveries = (await tell([authorId])) + (await eachFollowerPage(authorId, tell));
    return { deliveries };
  }

  return {
    async apply(event: DomainEvent, stream: EventStream): Promise<FanoutResult> {
      switch (event.type) {
        case 'tweet.created':
          return tweetCreated(event.tweetId, event.authorId);
        case 'tweet.deleted':
          return tweetDeleted(event.tweetId, event.authorId, stream);
        case 'tweet.edited':
          return tweetEdited(event.tweetId, event.authorId);
        case 'account.updated':
          await notices?.announce({ kind: 'account', id: event.accountId });
          return NOTHING;
        case 'author.promoted':
          return crossings.promote(event.authorId);
        case 'author.demoted':
          return crossings.demote(event.authorId);
        case 'tweet.liked':
        case 'tweet.unliked':
          // Counters only; timelines hold no likes.
          return NOTHING;
        case 'follow.created':
          return followCreated(event.followerId, event.followeeId);
        case 'follow.deleted':
          return followDeleted(event.followerId, event.followeeId);
      }
    },
  };
}

export type FanoutService = ReturnType<typeof createFanoutService>;
