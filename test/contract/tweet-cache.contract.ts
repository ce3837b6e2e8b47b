import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tweet } from '../../src/domain/model.js';
import type { TweetCache } from '../../src/ports/tweet-cache.js';
import { aTweet } from '../support/fixtures.js';

/** The time to live every implementation is built with for this suite. */
export const CONTRACT_TWEET_TTL_MS = 3_600_000;

export interface TweetCacheFixture {
  cache: TweetCache;
  /** Milliseconds before the body of `id` expires, or null if it is not cached. */
  ttlRemaining(id: bigint): Promise<number | null>;
  /** Lets `ms` of the cache's time pass (an implementation on real time may not support it). */
  elapse?(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Ids past 2^62: a double would round them, so only an exact codec brings them back. */
const BASE = (1n << 62n) + 7n;

const tweet = (offset: number, overrides: Partial<Tweet> = {}): Tweet =>
  aTweet(BASE + BigInt(offset), {
    authorId: (1n << 61n) + 3n,
    text: `tweet ${offset}`,
    createdAt: new Date(Date.UTC(2090, 0, 1, 12, 30, 45, 123)),
    ...overrides,
  });

/** One suite, run against every TweetCache: the in-process one and Redis (standalone and Cluster). */
export function tweetCacheContract(name: string, open: () => Promise<TweetCacheFixture>) {
  describe(`TweetCache contract: ${name}`, () => {
    let fx: TweetCacheFixture;
    let cache: TweetCache;

    beforeEach(async () => {
      fx = await open();
      cache = fx.cache;
      await cache.clear();
    });
    afterEach(() => fx.close());

    it('misses for tweets it never held, and for an empty page', async () => {
      expect((await cache.getMany([BASE + 1n, BASE + 2n])).size).toBe(0);
      expect((await cache.getMany([])).size).toBe(0);
      expect(await fx.ttlRemaining(BASE + 1n)).toBeNull();
    });

    it('returns every field exactly as stored: 64-bit ids, millisecond times, unicode text', async () => {
      const full = tweet(1, {
        text: 'Ünïcödé — 🐦🏳️‍🌈 日本語 "quotes" \\ back\nslash',
        status: 'HIDDEN',
        replyToId: (1n << 63n) - 1n,
        replyToAuthorId: (1n << 62n) + 7n,
        retweetOfId: BASE - 1n,
        visibility: 'unlisted',
        language: 'ja',
        spoilerText: 'spoilers — 日本語',
        sensitive: true,
        likeCount: 2_147_483_648,
        retweetCount: 3,
        replyCount: 4,
        createdAt: new Date(Date.UTC(2099, 11, 31, 23, 59, 59, 999)),
        mentionIds: [1n, (1n << 63n) - 2n],
        hashtags: ['starling', 'ñandú'],
        editedAt: new Date(Date.UTC(2100, 0, 1, 0, 0, 0, 1)),
        media: [
          {
            id: (1n << 63n) - 3n,
            fileKey: 'attachments/9/original.png',
            previewKey: 'attachments/9/small.webp',
            width: 3840,
            height: 2160,
            previewWidth: 640,
            previewHeight: 360,
            focus: { x: -0.25, y: 1 },
            description: 'alt text — 日本語',
            blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
          },
        ],
      });
      const bare = tweet(2, { status: 'DELETED', createdAt: new Date(0) });
      await cache.setMany([full, bare]);
      const found = await cache.getMany([full.id, bare.id]);
      expect(found.get(full.id)).toStrictEqual(full);
      expect(found.get(bare.id)).toStrictEqual(bare);
      expect(found.get(full.id)?.createdAt.getTime()).toBe(full.createdAt.getTime());
    });

    it('returns only the cached ones of a page, once each, keyed by id', async () => {
      await cache.setMany([tweet(1), tweet(3)]);
      const found = await cache.getMany([BASE + 3n, BASE + 2n, BASE + 1n, BASE + 3n]);
      expect(new Set(found.keys())).toEqual(new Set([BASE + 1n, BASE + 3n]));
      expect(found.get(BASE + 3n)?.text).toBe('tweet 3');
    });

    it('serves a large page spread over every node in one call', async () => {
      const tweets = Array.from({ length: 300 }, (_, i) => tweet(i));
      await cache.setMany(tweets);
      const found = await cache.getMany(tweets.map((t) => t.id));
      expect(found.size).toBe(300);
      expect(found.get(BASE + 299n)?.text).toBe('tweet 299');
    });

    it("never lets a reader's fill replace a cached body; a writer's copy replaces it", async () => {
      await cache.setMany([tweet(1, { text: 'edited' })]);
      // A read that loaded the body before the edit committed fills late: the edit stays.
      await cache.setMany([tweet(1, { text: 'as first written' }), tweet(2)]);
      expect((await cache.getMany([BASE + 1n])).get(BASE + 1n)?.text).toBe('edited');
      expect((await cache.getMany([BASE + 2n])).has(BASE + 2n)).toBe(true);
      await cache.put([tweet(1, { text: 'edited again', status: 'DELETED' }), tweet(3)]);
      const found = await cache.getMany([BASE + 1n, BASE + 3n]);
      expect(found.get(BASE + 1n)?.text).toBe('edited again');
      expect(found.get(BASE + 1n)?.status).toBe('DELETED');
      expect(found.has(BASE + 3n)).toBe(true);
    });

    it('hands out copies: changing a returned tweet does not change the cache', async () => {
      const original = tweet(1, { mentionIds: [7n] });
      await cache.setMany([original]);
      original.mentionIds.push(8n);
      const first = (await cache.getMany([original.id])).get(original.id);
      first?.mentionIds.push(9n);
      first?.createdAt.setTime(0);
      const again = (await cache.getMany([original.id])).get(original.id);
      expect(again?.mentionIds).toEqual([7n]);
      expect(again?.createdAt.getTime()).toBe(tweet(1).createdAt.getTime());
    });

    it('forgets invalidated tweets and only those', async () => {
      await cache.setMany([tweet(1), tweet(2), tweet(3)]);
      await cache.invalidate([BASE + 1n, BASE + 3n, BASE + 99n]);
      await cache.invalidate([]);
      expect([...(await cache.getMany([BASE + 1n, BASE + 2n, BASE + 3n])).keys()]).toEqual([BASE + 2n]);
    });

    it('keeps a body for its time to live, which reads do not extend', async () => {
      await cache.setMany([tweet(1)]);
      const fresh = (await fx.ttlRemaining(BASE + 1n)) ?? 0;
      expect(fresh).toBeGreaterThan(CONTRACT_TWEET_TTL_MS - 60_000);
      expect(fresh).toBeLessThanOrEqual(CONTRACT_TWEET_TTL_MS);
      if (fx.elapse) await fx.elapse(60_000);
      await cache.getMany([BASE + 1n]);
      expect(await fx.ttlRemaining(BASE + 1n)).toBeLessThanOrEqual(fresh);
    });

    it('forgets a body once its time to live has passed', async (context) => {
      if (!fx.elapse) return context.skip('this implementation expires on real time');
      await cache.setMany([tweet(1)]);
      await fx.elapse(CONTRACT_TWEET_TTL_MS - 1);
      expect((await cache.getMany([BASE + 1n])).size).toBe(1);
      await fx.elapse(1);
      expect((await cache.getMany([BASE + 1n])).size).toBe(0);
      expect(await fx.ttlRemaining(BASE + 1n)).toBeNull();
    });

    it('drops everything on clear', async () => {
      await cache.setMany([tweet(1), tweet(2)]);
      await cache.clear();
      expect((await cache.getMany([BASE + 1n, BASE + 2n])).size).toBe(0);
    });
  });
}
