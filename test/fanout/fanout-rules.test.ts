import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  follow as followAs,
  home as homeOf,
  post as postAs,
  texts,
  unfollow,
} from '../support/client-api.js';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

let h: Harness;
afterEach(() => h.close());

const home = (user: User) => homeOf(h, user, '?limit=40');
const post = (user: User, text: string) => postAs(h, user, text);
const follow = (user: User, target: User, undo = false) => (undo ? unfollow : followAs)(h, user, target);
const modeOf = async (user: User) =>
  (
    await h.app.sql.query<{ fanout_mode: string }>('SELECT fanout_mode FROM accounts WHERE id = $1::bigint', [
      user.id,
    ])
  )[0]?.fanout_mode;

let current: Backend;

for (const backend of backends()) {
  describe(backend.name, () => {
    beforeAll(() => {
      current = backend;
    });

    describe('celebrity threshold, with hysteresis', () => {
      it('loses and doubles nothing when an author crosses the threshold up and then down', async () => {
        h = await startHarness({ celebrityThreshold: 3 }, undefined, current);
        const star = await h.signUp('star');
        const [reader, f2, f3] = [await h.signUp('reader'), await h.signUp('f2'), await h.signUp('f3')];
        await follow(reader, star);
        await home(reader);
        await post(star, 'pushed 1');
        await h.drain();
        expect(await modeOf(star)).toBe('push');

        await follow(f2, star);
        await follow(f3, star);
        // The mode moves with the follower count, which moves through the log.
        expect(await modeOf(star)).toBe('push');
        await h.drain();
        expect(await modeOf(star)).toBe('pull');
        await post(star, 'pulled 2');
        await h.drain();
        expect(texts(await home(reader))).toEqual(['pulled 2', 'pushed 1']);
        const cached = await h.app.cache.read(BigInt(reader.id), { limit: 100 });
        expect(cached?.entries).toHaveLength(1);

        // One unfollow leaves 2 followers: below the threshold, not below the margin, so still a celebrity.
        await follow(f3, star, true);
        await h.drain();
        expect(await modeOf(star)).toBe('pull');
        await post(star, 'pulled 3');
        await h.drain();
        // The second leaves 1: the author is demoted, and their pulled tweets are merged into followers' timelines.
        await follow(f2, star, true);
        // One round applies the unfollow (and its counts); the demotion it enqueued waits for the next.
        await h.app.workers.step();
        expect(await modeOf(star)).toBe('demoting');
        expect(texts(await home(reader))).toEqual(['pulled 3', 'pulled 2', 'pushed 1']);
        await h.drain();
        expect(await modeOf(star)).toBe('push');
        h.clock.advance(60_000); // past every short-lived cache
        expect(texts(await home(reader))).toEqual(['pulled 3', 'pulled 2', 'pushed 1']);
        const merged = await h.app.cache.read(BigInt(reader.id), { limit: 100 });
        expect(merged?.entries).toHaveLength(3);
        await post(star, 'pushed 4');
        await h.drain();
        expect(texts(await home(reader))).toEqual(['pushed 4', 'pulled 3', 'pulled 2', 'pushed 1']);
      });
    });

    describe('rebuilds', () => {
      it('runs one rebuild for fifty concurrent first reads', async () => {
        h = await startHarness({}, undefined, current);
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        await follow(bob, alice);
        for (let i = 0; i < 5; i++) await post(alice, `t${i}`);
        await h.drain();
        let rebuilds = 0;
        const original = h.app.cache.beginRebuild.bind(h.app.cache);
        h.app.cache.beginRebuild = async (userId) => {
          rebuilds += 1;
          return original(userId);
        };
        const replies = await Promise.all(Array.from({ length: 50 }, () => home(bob)));
        expect(rebuilds).toBe(1);
        for (const reply of replies) expect(texts(reply)).toEqual(['t4', 't3', 't2', 't1', 't0']);
      });

      it('loses no tweet when fanout lands while a rebuild is reading the database', async () => {
        h = await startHarness({}, undefined, current);
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        await follow(bob, alice);
        await post(alice, 'before');
        await h.drain();
        // Pause the rebuild between its query and its completion, and run fanout for a new tweet in that gap.
        const original = h.app.cache.completeRebuild.bind(h.app.cache);
        h.app.cache.completeRebuild = async (userId, entries, floor) => {
          await post(alice, 'during');
          await h.drain();
          return original(userId, entries, floor);
        };
        await home(bob);
        h.app.cache.completeRebuild = original;
        expect(texts(await home(bob))).toEqual(['during', 'before']);
      });
    });

    describe('delete racing fanout', () => {
      it('never shows a tweet whose delete was delivered before its create', async () => {
        h = await startHarness({}, undefined, current);
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        await follow(bob, alice);
        await home(bob);
        await h.drain();
        const id = await post(alice, 'short-lived');
        await h.call('DELETE', `/api/v1/statuses/${id}`, { token: alice.token });
        // The delete reaches the log (and the workers) before the create, as a redelivery could arrange.
        const tweetId = BigInt(id);
        const authorId = BigInt(alice.id);
        await h.app.log.publish([
          { id: '900000001', stream: 'fanout', event: { type: 'tweet.deleted', tweetId, authorId } },
          { id: '900000002', stream: 'fanout', event: { type: 'tweet.created', tweetId, authorId } },
        ]);
        await h.drain();
        expect(texts(await home(bob))).toEqual([]);
        const cached = await h.app.cache.read(BigInt(bob.id), { limit: 100 });
        expect(cached?.entries.map((e) => e.tweetId)).not.toContain(tweetId);
      });
    });
  });
}
