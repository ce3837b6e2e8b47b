import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqlNotificationStore } from '../../src/adapters/sql/notification-store.js';
import type { NotificationChange, NotificationStore } from '../../src/ports/notification-store.js';
import { follow, post, unfollow } from '../support/client-api.js';
import { sharedPglite } from '../support/database.js';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';

/**
 * The NotificationStore contract, on PGlite and on PostgreSQL: one notification per cause however often and however
 * concurrently its event is applied; none for acting on oneself; none that outlives its cause. The rows are made
 * through the API with the workers not yet run, so the events are applied here by hand, and then once more by the
 * workers (a redelivery).
 */

let h: Harness;
afterEach(() => h.close());
// The shared database opens once, before the first test's clock starts.
beforeAll(async () => void (await sharedPglite()), 120_000);

const act = (user: User, id: string, action: string) =>
  h.call('POST', `/api/v1/statuses/${id}/${action}`, { token: user.token });

let nextId = 1n << 60n;
const ids = { next: async () => nextId++ };

/** Each delivery on a store of its own, as two fanout processes would have. */
const store = (): NotificationStore => new SqlNotificationStore(h.app.sql, ids);
const count = async (accountId: string) =>
  (await store().list(BigInt(accountId), {}, { limit: 100 })).map((n) => `${n.type} ${n.fromAccountId}`);

for (const backend of backends()) {
  describe(`NotificationStore contract: ${backend.name === 'embedded' ? 'PGlite' : 'PostgreSQL'}`, () => {
    it('writes each cause once, whether its event comes twice, at once, or again after the workers', async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const mine = await post(h, alice, 'hello');
      await h.drain();
      await act(bob, mine, 'favourite');
      await act(bob, mine, 'reblog');
      await follow(h, bob, alice);
      const mention = await post(h, bob, 'hi @alice');
      const tweetOf = (id: string): NotificationChange => ({ kind: 'tweet', tweetId: BigInt(id) });
      const retweet = (
        await h.call('GET', `/api/v1/accounts/${bob.id}/statuses`, { token: bob.token })
      ).body.find((s: { reblog: unknown }) => s.reblog !== null).id as string;
      const changes: NotificationChange[] = [
        { kind: 'like', accountId: BigInt(bob.id), tweetId: BigInt(mine) },
        tweetOf(retweet),
        { kind: 'follow', followerId: BigInt(bob.id), followeeId: BigInt(alice.id) },
        tweetOf(mention),
      ];

      const [first, second, third] = await Promise.all([
        store().apply(changes),
        store().apply(changes),
        store().apply([...changes].reverse()),
      ]);
      expect([first, second, third].map((w) => w.length).sort()).toEqual([0, 0, 4]);
      expect((await store().apply(changes)).length).toBe(0);
      // The workers now deliver the same events: nothing more.
      await h.drain();
      expect((await count(alice.id)).sort()).toEqual([
        `favourite ${bob.id}`,
        `follow ${bob.id}`,
        `mention ${bob.id}`,
        `reblog ${bob.id}`,
      ]);
    });

    it('never writes again one that was dismissed, and none for acting on oneself', async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const mine = await post(h, alice, 'hello @alice');
      await act(alice, mine, 'favourite');
      await act(alice, mine, 'reblog');
      await act(bob, mine, 'favourite');
      await h.drain();
      const [only] = await store().list(BigInt(alice.id), {}, { limit: 10 });
      expect(only).toMatchObject({
        type: 'favourite',
        fromAccountId: BigInt(bob.id),
        statusId: BigInt(mine),
      });
      if (!only) throw new Error('one notification expected');
      expect(await store().dismiss(BigInt(alice.id), only.id)).toBe(true);
      expect(await store().dismiss(BigInt(alice.id), only.id)).toBe(false);
      const like: NotificationChange = { kind: 'like', accountId: BigInt(bob.id), tweetId: BigInt(mine) };
      expect(await store().apply([like, { kind: 'tweet', tweetId: BigInt(mine) }])).toEqual([]);
      expect(await count(alice.id)).toEqual([]);
    });

    it('removes what no longer has a cause, in either order with the creation, and keeps what still has one', async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const mine = await post(h, alice, 'hello');
      await h.drain();
      const like: NotificationChange = { kind: 'like', accountId: BigInt(bob.id), tweetId: BigInt(mine) };
      const unlike: NotificationChange = { kind: 'unlike', accountId: BigInt(bob.id), tweetId: BigInt(mine) };
      const followed: NotificationChange = {
        kind: 'follow',
        followerId: BigInt(bob.id),
        followeeId: BigInt(alice.id),
      };
      const unfollowed: NotificationChange = { ...followed, kind: 'unfollow' };

      // The undo arrives before the creation (another worker, a redelivery): both end in nothing.
      await act(bob, mine, 'favourite');
      await follow(h, bob, alice);
      await act(bob, mine, 'unfavourite');
      await unfollow(h, bob, alice);
      await store().apply([unlike, unfollowed]);
      await store().apply([like, followed]);
      expect(await count(alice.id)).toEqual([]);

      // Liked again: a late undo of the earlier like leaves the new like's notification alone.
      await act(bob, mine, 'favourite');
      await follow(h, bob, alice);
      await store().apply([like, followed, unlike, unfollowed]);
      expect((await count(alice.id)).sort()).toEqual([`favourite ${bob.id}`, `follow ${bob.id}`]);
      await h.drain();
      expect(await count(alice.id)).toHaveLength(2);

      // A deleted post takes its notifications; a like of it arriving after writes none.
      expect((await h.call('DELETE', `/api/v1/statuses/${mine}`, { token: alice.token })).status).toBe(200);
      await store().apply([{ kind: 'tweet.deleted', tweetId: BigInt(mine) }, like]);
      expect(await count(alice.id)).toEqual([`follow ${bob.id}`]);
    });
  });
}
