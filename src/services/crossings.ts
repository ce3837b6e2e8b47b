import type { FanoutMode } from '../domain/fanout-mode.js';
import type { FanoutModes } from '../ports/fanout-modes.js';
import { boundedFloor, type RecentTweetLists, type TimelineCache } from '../ports/timeline-cache.js';
import type { TweetStore } from '../ports/tweet-store.js';
import type { FollowerLists } from './follower-lists.js';

export interface CrossingDeps {
  tweets: Pick<TweetStore, 'byAuthors'>;
  modes: FanoutModes;
  followers: FollowerLists;
  timelines: TimelineCache;
  celebrityLists: RecentTweetLists;
  /** Tweets of a demoted celebrity merged into each follower's timeline. */
  demotionMerge: number;
}

/**
 * Fanout's half of a crossing of the celebrity threshold (the rule: src/domain/fanout-mode.ts): walking the
 * followers who have a timeline, then finishing the crossing. While it walks, the author's tweets are pushed and
 * pulled both, so a follower the walk has reached and one it has not yet reached are each served all of them.
 */
export function createCrossings({
  tweets,
  modes,
  followers,
  timelines,
  celebrityLists,
  demotionMerge,
}: CrossingDeps) {
  /** Each page of followers once: one question for who has a timeline, then `step` for those. */
  const walk = (authorId: bigint, step: (active: bigint[]) => Promise<void>) =>
    followers.eachPage(authorId, async (ids) => {
      const active = await timelines.activeAmong(ids);
      if (active.length > 0) await step(active);
      return active.length;
    });

  return {
    /**
     * Going up: every follower with a timeline starts pulling the author, then the author's tweets stop being pushed.
     * The author's recent list is dropped first: it may be left from an earlier time as a celebrity, without what
     * was pushed since, and is rebuilt from the database on its first read.
     */
    async promote(authorId: bigint): Promise<{ deliveries: number; mode: FanoutMode | null }> {
      if ((await modes.modeOf(authorId)) !== 'promoting') return { deliveries: 0, mode: null };
      await celebrityLists.forget(authorId);
      const deliveries = await walk(authorId, (active) => timelines.setPulled(active, authorId, true));
      return { deliveries, mode: await modes.finishCrossing(authorId, 'promoting') };
    },

    /**
     * Going down: the author's recent tweets go into every follower's timeline, and only then does the follower stop
     * pulling them (both in order on the follower's own timeline); then pushing alone resumes.
     */
    async demote(authorId: bigint): Promise<{ deliveries: number; mode: FanoutMode | null }> {
      if ((await modes.modeOf(authorId)) !== 'demoting') return { deliveries: 0, mode: null };
      const recent = await tweets.byAuthors([authorId], { limit: demotionMerge });
      const deliveries = await walk(authorId, async (active) => {
        const floor = boundedFloor(recent, demotionMerge);
        await Promise.all(active.map((id) => timelines.merge(id, recent, floor)));
        await timelines.setPulled(active, authorId, false);
      });
      return { deliveries, mode: await modes.finishCrossing(authorId, 'demoting') };
    },
  };
}

export type Crossings = ReturnType<typeof createCrossings>;
