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

      it("keeps a celebrity's recent list whole across a demotion and a promotion again", async () => {
        h = await startHarness({ celebrityThreshold: 3 }, undefined, current);
        const star = await h.signUp('star');
        const [a, b, c, late] = [
          await h.signUp('a'),
          await h.signUp('b'),
          await h.signUp('c'),
          await h.signUp('late'),
        ];
        for (const fan of [a, b, c]) await follow(fan, star);
        await h.drain();
        await post(star, 'pulled 1');
        await h.drain();
        expect(texts(await home(a))).toEqual(['pulled 1']); // the star's recent list now exists
        await follow(b, star, true);
        await follow(c, star, true);
        await h.drain();
        expect(await modeOf(star)).toBe('push');
        await post(star, 'pushed 2');
        await h.drain();
        await follow(b, star);
        await follow(late, star);
        await h.drain();
        expect(await modeOf(star)).toBe('pull');
        // A reader new to the star reads the star's recent list: it has what was posted while the star was pushed.
        expect(texts(await home(late))).toEqual(['pushed 2', 'pulled 1']);
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
        h.app.cache.completeRebuild = async (userId, entries, floor, pulled) => {
          await post(alice, 'during');
          await h.drain();
          return original(userId, entries, floor, pulled);
        };
        await home(bob);
        h.app.cache.completeRebuild = original;
        expect(texts(await home(bob))).toEqual(['during', 'before']);
      });
    });

    describe('unfollow', () => {
      it('clears the followee from the cached timeline before it answers, and keeps out entries still on their way', async () => {
        h = await startHarness({}, undefined, current);
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        await follow(bob, alice);
        await post(alice, 'seen');
        await post(bob, 'own');
        await h.drain();
        expect(texts(await home(bob))).toEqual(['own', 'seen']);
        const late = await post(alice, 'in flight');
        expect((await follow(bob, alice, true)).status).toBe(200);
        // Before any worker ran: the cached timeline itself has let alice go.
        const reader = BigInt(bob.id);
        const cached = await h.app.cache.read(reader, { limit: 100 });
        expect(cached?.entries.map((e) => e.authorId)).toEqual([reader]);
        // Fanout that read bob as a follower before the unfollow lands now: it is refused, and so is the log's tweet.
        expect(
          await h.app.cache.insert([reader], { tweetId: BigInt(late), authorId: BigInt(alice.id) }),
        ).toBe(0);
        await h.drain();
        expect(texts(await home(bob))).toEqual(['own']);
        // Following again lets her back in, old tweets and new.
        await follow(bob, alice);
        await h.drain();
        expect(texts(await home(bob))).toEqual(['in flight', 'own', 'seen']);
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
