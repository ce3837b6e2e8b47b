import type { DomainEvent, EventStream } from '../domain/events.js';
import type { AccountStore } from '../ports/account-store.js';
import type { GraphStore } from '../ports/graph-store.js';
import type { TimelineCache } from '../ports/timeline-cache.js';
import type { TweetStore } from '../ports/tweet-store.js';

export interface FanoutSettings {
  celebrityThreshold: number;
  timelineMax: number;
  /** Followers read (and written) per batch. */
  pageSize: number;
}

export interface FanoutDeps {
  tweets: TweetStore;
  accounts: AccountStore;
  graph: GraphStore;
  cache: TimelineCache;
  settings: FanoutSettings;
}

export interface FanoutResult {
  /** Timelines that received (or lost) an entry. */
  deliveries: number;
}

/**
 * Applies one event to the cached timelines. Every case re-reads the source of truth first, so a duplicate or a late
 * event (a create delivered after its delete, a follow after its unfollow) changes nothing it should not.
 */
export function createFanoutService({ tweets, accounts, graph, cache, settings }: FanoutDeps) {
  /** Runs `write` over the author's followers in keyset pages: one batched cache call per page. */
  async function eachFollowerPage(
    authorId: bigint,
    write: (ids: bigint[]) => Promise<number>,
  ): Promise<number> {
    let total = 0;
    let after: bigint | null = null;
    for (;;) {
      const page = await graph.followerIds(authorId, after, settings.pageSize);
      if (page.length === 0) return total;
      total += await write(page);
      if (page.length < settings.pageSize) return total;
      after = page[page.length - 1] ?? null;
    }
  }

  async function isPulled(authorId: bigint): Promise<boolean> {
    const author = (await accounts.byIds([authorId])).get(authorId);
    return (author?.followersCount ?? 0) >= settings.celebrityThreshold;
  }

  return {
    async apply(event: DomainEvent, stream: EventStream): Promise<FanoutResult> {
      switch (event.type) {
        case 'tweet.created': {
          const tweet = (await tweets.byIds([event.tweetId])).get(event.tweetId);
          if (tweet?.status !== 'ACTIVE') return { deliveries: 0 };
          const entry = { tweetId: event.tweetId, authorId: event.authorId };
          let deliveries = await cache.insert([event.authorId], entry);
          // Celebrities' tweets are pulled by their readers; only the author's own timeline is written.
          if (stream === 'fanout')
            deliveries += await eachFollowerPage(event.authorId, (ids) => cache.insert(ids, entry));
          return { deliveries };
        }
        case 'tweet.deleted': {
          await cache.remove([event.authorId], event.tweetId);
          let deliveries = 1;
          if (stream === 'fanout') {
            deliveries += await eachFollowerPage(event.authorId, async (ids) => {
              await cache.remove(ids, event.tweetId);
              return ids.length;
            });
          }
          return { deliveries };
        }
        case 'follow.created': {
          const { followerId, followeeId } = event;
          if (!(await graph.followedAmong(followerId, [followeeId])).has(followeeId))
            return { deliveries: 0 };
          if (await isPulled(followeeId)) return { deliveries: 0 };
          const recent = await tweets.byAuthors([followeeId], { limit: settings.timelineMax });
          await cache.merge(followerId, recent);
          return { deliveries: 1 };
        }
        case 'follow.deleted': {
          const { followerId, followeeId } = event;
          if ((await graph.followedAmong(followerId, [followeeId])).has(followeeId)) return { deliveries: 0 };
          await cache.removeAuthor(followerId, followeeId);
          return { deliveries: 1 };
        }
      }
    },
  };
}

export type FanoutService = ReturnType<typeof createFanoutService>;
