import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../src/domain/model.js';
import type { TimelineCache } from '../../src/ports/timeline-cache.js';

/** The settings every implementation is built with for this suite. */
export const CONTRACT_CACHE_SETTINGS = { maxEntries: 10, ttlMs: 3_600_000 } as const;

export interface CacheFixture {
  cache: TimelineCache;
  /** Milliseconds the reader's timeline has left before it expires, or null if it does not exist. */
  ttlRemaining(userId: bigint): Promise<number | null>;
  /**
   * Runs `work` and counts what it cost the cache per reader: commands sent to Redis, or, in process, operations on
   * single readers' timelines.
   */
  commandsDuring<T>(work: () => Promise<T>): Promise<{ result: T; commands: number }>;
  /** Lets `ms` of the cache's time pass (an implementation on real time may not support it). */
  elapse?(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Ids far above 2^60 whose neighbours are indistinguishable as doubles: order must still be exact. */
const BASE = (1n << 62n) + 12_345n;
const entry = (offset: number, author = 1n): TimelineEntry => ({
  tweetId: BASE + BigInt(offset),
  authorId: author,
});
const ids = (entries: readonly TimelineEntry[]) => entries.map((e) => e.tweetId - BASE);
const all = { limit: 1_000 };

/** One suite, run against every TimelineCache: the in-process one and Redis (standalone and Cluster). */
export function timelineCacheContract(name: string, open: () => Promise<CacheFixture>) {
  describe(`TimelineCache contract: ${name}`, () => {
    let fx: CacheFixture;
    let cache: TimelineCache;
    const reader = 1_000n;

    beforeEach(async () => {
      fx = await open();
      cache = fx.cache;
      await cache.clear();
    });
    afterEach(() => fx.close());

    /** A complete, empty timeline for `userId`, as a first read would leave it. */
    async function activate(userId: bigint, entries: TimelineEntry[] = [], floor = 0n) {
      await cache.beginRebuild(userId);
      await cache.completeRebuild(userId, entries, floor);
    }

    it('misses for a reader with no timeline, and fanout does not create one', async () => {
      expect(await cache.read(reader, all)).toBeNull();
      expect(await cache.insert([reader], entry(1))).toBe(0);
      expect(await cache.read(reader, all)).toBeNull();
      expect(await fx.ttlRemaining(reader)).toBeNull();
    });

    it('keeps fanout that lands during a rebuild, and misses until the rebuild completes', async () => {
      await cache.beginRebuild(reader);
      expect(await cache.read(reader, all)).toBeNull();
      expect(await cache.insert([reader], entry(5))).toBe(1);
      await cache.completeRebuild(reader, [entry(3), entry(1), entry(5)], 0n);
      const timeline = await cache.read(reader, all);
      expect(timeline && ids(timeline.entries)).toEqual([5n, 3n, 1n]);
      expect(timeline?.floor).toBe(0n);
    });

    it('a second beginRebuild does not wipe a live timeline', async () => {
      await activate(reader, [entry(1)]);
      await cache.beginRebuild(reader);
      expect(ids((await cache.read(reader, all))?.entries ?? [])).toEqual([1n]);
    });

    it('orders entries exactly by id above 2^60, where doubles cannot tell them apart', async () => {
      expect(Number(BASE + 1n)).toBe(Number(BASE + 2n));
      await activate(reader);
      for (const offset of [2, 7, 1, 9, 4, 3]) await cache.insert([reader], entry(offset));
      expect(ids((await cache.read(reader, all))?.entries ?? [])).toEqual([9n, 7n, 4n, 3n, 2n, 1n]);
      const page = await cache.read(reader, { before: BASE + 4n, limit: 2 });
      expect(ids(page?.entries ?? [])).toEqual([3n, 2n]);
      const newer = await cache.read(reader, { after: BASE + 3n, limit: 10 });
      expect(ids(newer?.entries ?? [])).toEqual([9n, 7n, 4n]);
      const both = await cache.read(reader, { before: BASE + 9n, after: BASE + 2n, limit: 10 });
      expect(ids(both?.entries ?? [])).toEqual([7n, 4n, 3n]);
    });

    it('takes a page from the oldest end of a window, for a reader catching up, still newest first', async () => {
      await activate(reader);
      for (const offset of [2, 7, 1, 9, 4, 3]) await cache.insert([reader], entry(offset));
      const caughtUp = await cache.read(reader, { after: BASE + 2n, limit: 2, from: 'oldest' });
      expect(ids(caughtUp?.entries ?? [])).toEqual([4n, 3n]);
      const next = await cache.read(reader, { after: BASE + 4n, limit: 2, from: 'oldest' });
      expect(ids(next?.entries ?? [])).toEqual([9n, 7n]);
      const between = await cache.read(reader, {
        after: BASE + 1n,
        before: BASE + 7n,
        limit: 10,
        from: 'oldest',
      });
      expect(ids(between?.entries ?? [])).toEqual([4n, 3n, 2n]);
      const absent = await cache.read(reader, { after: BASE + 5n, limit: 1, from: 'oldest' });
      expect(ids(absent?.entries ?? [])).toEqual([7n]);
      expect((await cache.read(reader, { after: BASE + 9n, limit: 3, from: 'oldest' }))?.entries).toEqual([]);
      expect(ids((await cache.read(reader, { limit: 2, from: 'oldest' }))?.entries ?? [])).toEqual([2n, 1n]);
    });

    it('holds each tweet once, however often it arrives', async () => {
      await activate(reader, [entry(1)]);
      await cache.insert([reader], entry(1));
      await cache.insert([reader], entry(2));
      await cache.insert([reader], entry(2));
      await cache.merge(reader, [entry(2), entry(1), entry(3)], 0n);
      expect(ids((await cache.read(reader, all))?.entries ?? [])).toEqual([3n, 2n, 1n]);
    });

    it('keeps the entry author so readers can filter', async () => {
      await activate(reader, [entry(1, 77n)]);
      await cache.insert([reader], entry(2, 88n));
      const timeline = await cache.read(reader, all);
      expect(timeline?.entries.map((e) => e.authorId)).toEqual([88n, 77n]);
    });

    it('caps a timeline at its size, trimming the oldest and raising the floor', async () => {
      await activate(reader);
      for (let i = 1; i <= 15; i++) await cache.insert([reader], entry(i));
      const timeline = await cache.read(reader, all);
      expect(ids(timeline?.entries ?? [])).toEqual([15n, 14n, 13n, 12n, 11n, 10n, 9n, 8n, 7n, 6n]);
      expect(timeline?.floor).toBe(BASE + 6n);
      // Below the floor the cache has nothing to say; the reader goes to the source of truth.
      const older = await cache.read(reader, { before: BASE + 6n, limit: 10 });
      expect(older?.entries).toEqual([]);
      // An insert below the floor would leave a gap, so it is refused.
      expect(await cache.insert([reader], entry(2))).toBe(0);
    });

    it('completes a rebuild down to a floor, dropping what lies below it', async () => {
      await cache.beginRebuild(reader);
      await cache.completeRebuild(reader, [entry(1), entry(4), entry(6)], BASE + 4n);
      const timeline = await cache.read(reader, all);
      expect(ids(timeline?.entries ?? [])).toEqual([6n, 4n]);
      expect(timeline?.floor).toBe(BASE + 4n);
      await cache.merge(reader, [entry(2), entry(5)], 0n);
      expect(ids((await cache.read(reader, all))?.entries ?? [])).toEqual([6n, 5n, 4n]);
    });

    it('raises its floor to a bounded merge’s, so an author’s older tweets are not taken as absent', async () => {
      await activate(reader, [entry(1, 7n)]);
      // A follow merges the followee's newest two; they have older tweets that were not read.
      await cache.merge(reader, [entry(6, 8n), entry(5, 8n)], BASE + 5n);
      const timeline = await cache.read(reader, all);
      expect(ids(timeline?.entries ?? [])).toEqual([6n, 5n]);
      expect(timeline?.floor).toBe(BASE + 5n);
      // A merge bounded lower than the timeline leaves its floor where it is.
      await cache.merge(reader, [entry(4, 9n)], BASE + 2n);
      expect((await cache.read(reader, all))?.floor).toBe(BASE + 5n);
    });

    it('merges only into timelines that exist', async () => {
      await cache.merge(reader, [entry(1)], 0n);
      expect(await cache.read(reader, all)).toBeNull();
    });

    it('fans one entry out to many readers, counting only those with a timeline', async () => {
      const readers = Array.from({ length: 2_500 }, (_, i) => 10_000n + BigInt(i));
      const active = readers.filter((_, i) => i % 3 === 0);
      for (const userId of active) await activate(userId);
      expect(await cache.insert(readers, entry(1))).toBe(active.length);
      expect(ids((await cache.read(active[5] as bigint, all))?.entries ?? [])).toEqual([1n]);
      expect(await cache.read(readers[1] as bigint, all)).toBeNull();
      await cache.remove(readers, BASE + 1n);
      expect((await cache.read(active[5] as bigint, all))?.entries).toEqual([]);
    });

    it('costs nothing per follower without a timeline: fanout asks once per page, then writes to the active', async () => {
      const active = Array.from({ length: 10 }, (_, i) => 20_000n + BigInt(i) * 7n);
      for (const userId of active) await activate(userId);
      const inactive = (n: number) => Array.from({ length: n }, (_, i) => 30_000n + BigInt(i));
      expect(await cache.activeAmong([...inactive(50), ...active])).toEqual(expect.arrayContaining(active));
      const costOf = async (followers: bigint[], offset: number) => {
        const inserted = await fx.commandsDuring(() => cache.insert(followers, entry(offset)));
        expect(inserted.result).toBe(active.length);
        const removed = await fx.commandsDuring(() => cache.remove(followers, BASE + BigInt(offset)));
        return inserted.commands + removed.commands;
      };
      const few = await costOf([...inactive(100), ...active], 1);
      const many = await costOf([...inactive(1_000), ...active], 2);
      // Ten times the inactive followers, the same cost: what is paid is per active reader (and per index shard).
      expect(many).toBe(few);
      expect(few).toBeLessThanOrEqual(2 * active.length + 2 * 16);
      expect(ids((await cache.read(active[3] as bigint, all))?.entries ?? [])).toEqual([]);
    });

    it('removes a tweet, and every entry of an unfollowed author', async () => {
      const other = 2_000n;
      await activate(reader, [entry(1, 7n), entry(2, 8n), entry(3, 7n), entry(4, 8n)]);
      await activate(other, [entry(1, 7n), entry(2, 8n)]);
      await cache.remove([reader, other], BASE + 2n);
      expect(ids((await cache.read(reader, all))?.entries ?? [])).toEqual([4n, 3n, 1n]);
      expect(ids((await cache.read(other, all))?.entries ?? [])).toEqual([1n]);
      await cache.unfollowed(reader, 7n);
      expect(ids((await cache.read(reader, all))?.entries ?? [])).toEqual([4n]);
      expect(ids((await cache.read(other, all))?.entries ?? [])).toEqual([1n]);
    });

    it('keeps an unfollowed author out of everything still on its way, until followed again', async () => {
      await activate(reader, [entry(1, 7n), entry(2, 8n)]);
      await cache.unfollowed(reader, 7n);
      // Fanout that read the follower list before the unfollow, a follow merge, and a rebuild that raced it.
      expect(await cache.insert([reader], entry(3, 7n))).toBe(0);
      await cache.merge(reader, [entry(4, 7n), entry(5, 8n)], 0n);
      expect(ids((await cache.read(reader, all))?.entries ?? [])).toEqual([5n, 2n]);
      // Kept out even across a new timeline: a reader without one when they unfollowed, who reads afterwards.
      const later = 3_000n;
      await cache.unfollowed(later, 7n);
      await cache.beginRebuild(later);
      expect(await cache.insert([later], entry(6, 7n))).toBe(0);
      await cache.completeRebuild(later, [entry(1, 7n), entry(2, 8n)], 0n, [7n, 9n]);
      const rebuilt = await cache.read(later, all);
      expect(ids(rebuilt?.entries ?? [])).toEqual([2n]);
      expect(rebuilt?.pulled).toEqual([9n]);
      await cache.followed(reader, 7n, false);
      expect(await cache.insert([reader], entry(7, 7n))).toBe(1);
      expect(ids((await cache.read(reader, all))?.entries ?? [])).toEqual([7n, 5n, 2n]);
    });

    it('keeps the authors a reader pulls beside the timeline, through rebuilds, crossings and follows', async () => {
      const pulledOf = async (userId: bigint) => ((await cache.read(userId, all))?.pulled ?? []).sort();
      await cache.beginRebuild(reader);
      // A crossing that lands while the rebuild reads is kept, as fanout is.
      await cache.setPulled([reader, 4_000n], 70n, true);
      await cache.completeRebuild(reader, [], 0n, [71n]);
      expect(await pulledOf(reader)).toEqual([70n, 71n]);
      expect(await cache.read(4_000n, all)).toBeNull();
      await cache.followed(reader, 72n, true);
      await cache.setPulled([reader], 71n, false);
      expect(await pulledOf(reader)).toEqual([70n, 72n]);
      await cache.unfollowed(reader, 70n);
      expect(await pulledOf(reader)).toEqual([72n]);
      await cache.followed(reader, 72n, false);
      expect(await pulledOf(reader)).toEqual([]);
      // A forgotten timeline misses, and comes back with nothing of the old one.
      await cache.followed(reader, 73n, true);
      await cache.forget(reader);
      expect(await cache.read(reader, all)).toBeNull();
      await activate(reader);
      expect(await cache.read(reader, all)).toEqual({ entries: [], floor: 0n, pulled: [] });
    });

    it('never mistakes an author id for a tweet id', async () => {
      // Author ids equal to other entries' tweet ids, then inserts and removals in the middle of the timeline.
      await activate(reader, [entry(9, BASE + 3n), entry(5, BASE + 9n), entry(3, BASE + 5n)]);
      await cache.insert([reader], entry(7, BASE + 5n));
      await cache.insert([reader], entry(4, BASE + 7n));
      const read = async () =>
        ((await cache.read(reader, all))?.entries ?? []).map((e) => [e.tweetId - BASE, e.authorId - BASE]);
      expect(await read()).toEqual([
        [9n, 3n],
        [7n, 5n],
        [5n, 9n],
        [4n, 7n],
        [3n, 5n],
      ]);
      await cache.remove([reader], BASE + 5n);
      expect(await read()).toEqual([
        [9n, 3n],
        [7n, 5n],
        [4n, 7n],
        [3n, 5n],
      ]);
      await cache.unfollowed(reader, BASE + 5n);
      expect(await read()).toEqual([
        [9n, 3n],
        [4n, 7n],
      ]);
      const page = await cache.read(reader, { before: BASE + 7n, after: BASE + 3n, limit: 5 });
      expect(ids(page?.entries ?? [])).toEqual([4n]);
    });

    it('refreshes expiry on read, never on fanout', async () => {
      await activate(reader);
      const fresh = await fx.ttlRemaining(reader);
      expect(fresh).toBeGreaterThan(0);
      expect(fresh).toBeLessThanOrEqual(CONTRACT_CACHE_SETTINGS.ttlMs);
      if (fx.elapse) await fx.elapse(60_000);
      await cache.insert([reader], entry(1));
      const afterInsert = (await fx.ttlRemaining(reader)) ?? 0;
      expect(afterInsert).toBeLessThanOrEqual(fresh ?? 0);
      if (fx.elapse) expect(afterInsert).toBeLessThanOrEqual(CONTRACT_CACHE_SETTINGS.ttlMs - 60_000);
      await cache.read(reader, all);
      expect(await fx.ttlRemaining(reader)).toBeGreaterThan(CONTRACT_CACHE_SETTINGS.ttlMs - 5_000);
    });

    it('forgets a timeline nobody read within the expiry', async (context) => {
      if (!fx.elapse) return context.skip('this implementation expires on real time');
      await activate(reader, [entry(1)]);
      await fx.elapse(CONTRACT_CACHE_SETTINGS.ttlMs + 1);
      expect(await cache.read(reader, all)).toBeNull();
      expect(await cache.insert([reader], entry(2))).toBe(0);
    });

    it('drops everything on clear', async () => {
      await activate(reader, [entry(1)]);
      await activate(2_000n, [entry(1)]);
      await cache.clear();
      expect(await cache.read(reader, all)).toBeNull();
      expect(await cache.read(2_000n, all)).toBeNull();
    });
  });
}
