import { describe, expect, it } from 'vitest';
import { MemoryFollowerVersions } from '../../src/adapters/memory/memory-follower-versions.js';
import { MemoryTimelineCache } from '../../src/adapters/memory/memory-timeline-cache.js';
import type { FanoutModes } from '../../src/ports/fanout-modes.js';
import type { GraphStore } from '../../src/ports/graph-store.js';
import type { TweetStore } from '../../src/ports/tweet-store.js';
import { createFanoutService } from '../../src/services/fanout.js';
import { createFollowerLists } from '../../src/services/follower-lists.js';
import { TestClock } from '../support/clock.js';
import { aTweet } from '../support/fixtures.js';

describe('fanout over many follower pages', () => {
  it('reaches every follower with a timeline, page after page, each page asked once from where the last ended', async () => {
    const author = 1n;
    const following = [10n, 11n, 12n, 13n, 14n];
    const asked: Array<bigint | null> = [];
    const graph = {
      async followerIds(_followee: bigint, after: bigint | null, limit: number) {
        asked.push(after);
        return following.filter((id) => after === null || id > after).slice(0, limit);
      },
      followedAmong: async (_follower: bigint, candidates: readonly bigint[]) => new Set(candidates),
    } as unknown as GraphStore;
    const tweets = {
      byIds: async (ids: readonly bigint[]) =>
        new Map(ids.map((id) => [id, aTweet(id, { authorId: author })])),
      byAuthors: async () => [],
    } as unknown as TweetStore;
    const modes: FanoutModes = {
      modeOf: async () => 'push',
      finishCrossing: async () => null,
    };
    const clock = new TestClock();
    const cache = new MemoryTimelineCache({ maxEntries: 10, ttlMs: 3_600_000 }, clock);
    const celebrityLists = new MemoryTimelineCache({ maxEntries: 10, ttlMs: 3_600_000 }, clock);
    // Four of the five followers read recently; 12 did not.
    for (const id of [10n, 11n, 13n, 14n]) {
      await cache.beginRebuild(id);
      await cache.completeRebuild(id, [], 0n);
    }
    const followers = createFollowerLists(graph, new MemoryFollowerVersions(), {
      pageSize: 2,
      maxIds: 100,
      maxPerList: 100,
    });
    const fanout = createFanoutService({
      tweets,
      modes,
      graph,
      followers,
      timelines: cache,
      celebrityLists,
      settings: { timelineMax: 10, demotionMerge: 10 },
    });

    const result = await fanout.apply({ type: 'tweet.created', tweetId: 100n, authorId: author }, 'fanout');

    expect(result.deliveries).toBe(4);
    expect(asked).toEqual([null, 11n, 13n]);
    for (const id of [10n, 11n, 13n, 14n]) {
      expect((await cache.read(id, { limit: 10 }))?.entries).toEqual([{ tweetId: 100n, authorId: author }]);
    }
    expect(await cache.read(12n, { limit: 10 })).toBeNull();

    // The author posts again: the list read for the first tweet still stands, and the database is not asked.
    const again = await fanout.apply({ type: 'tweet.created', tweetId: 101n, authorId: author }, 'fanout');
    expect(again.deliveries).toBe(4);
    expect(asked).toEqual([null, 11n, 13n]);

    // Someone follows the author: every kept copy of the list is stale, and the next tweet reads it afresh.
    following.push(15n);
    await fanout.apply({ type: 'follow.created', followerId: 15n, followeeId: author }, 'fanout');
    await cache.beginRebuild(15n);
    await cache.completeRebuild(15n, [], 0n);
    expect(
      (await fanout.apply({ type: 'tweet.created', tweetId: 102n, authorId: author }, 'fanout')).deliveries,
    ).toBe(5);
    expect(asked).toEqual([null, 11n, 13n, null, 11n, 13n, 15n]);
  });
});
