import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { follow, home as homeOf, ids, plain, post as postAs } from '../support/client-api.js';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

/** Replies, boosts, favourites, counters and mentions, over HTTP, in both modes. */

let h: Harness;
afterEach(() => h.close());

let current: Backend;
const start = async () => {
  h = await startHarness({}, undefined, current);
};

const post = (user: User, text: string, replyTo?: string) =>
  postAs(h, user, text, replyTo === undefined ? {} : { in_reply_to_id: replyTo });
const status = (id: string, user?: User) => h.call('GET', `/api/v1/statuses/${id}`, { token: user?.token });
const home = async (user: User) => ids(await homeOf(h, user));
const act = (user: User | undefined, id: string, action: string) =>
  h.call('POST', `/api/v1/statuses/${id}/${action}`, { token: user?.token });
const descendants = async (id: string) => {
  const reply = await h.call('GET', `/api/v1/statuses/${id}/context`);
  expect(reply.status).toBe(200);
  return (reply.body.descendants as { id: string }[]).map((s) => s.id);
};
const account = async (user: User) => (await h.call('GET', `/api/v1/accounts/${user.id}`)).body;
/** Statuses mentioning `handle`: the stand-in for a mentions timeline until notifications exist. */
const mentioning = async (handle: string, token?: string) => {
  const reply = await h.call('GET', `/api/v2/search?type=statuses&q=${encodeURIComponent(`@${handle}`)}`, {
    token,
  });
  expect(reply.status).toBe(200);
  return (reply.body.statuses as { id: string }[]).map((s) => s.id);
};

for (const backend of backends()) {
  describe(`conversations (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    describe('replies', () => {
      it('checks in_reply_to_id, counts replies once the workers drain, and lists them in the thread', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        const root = await post(alice, 'what do you think?');
        const replies = [
          await post(bob, 'yes', root),
          await post(alice, 'sure?', root),
          await post(bob, 'yes!', root),
        ];
        expect((await status(replies[0] as string)).body).toMatchObject({
          in_reply_to_id: root,
          in_reply_to_account_id: alice.id,
        });

        await h.drain();
        expect((await status(root)).body.replies_count).toBe(3);
        // A thread reads top down: the replies to one status oldest first.
        expect(await descendants(root)).toEqual(replies);

        // A deleted reply leaves the thread and the count.
        expect(
          (await h.call('DELETE', `/api/v1/statuses/${replies[1]}`, { token: alice.token })).status,
        ).toBe(200);
        await h.drain();
        expect((await status(root)).body.replies_count).toBe(2);
        expect(await descendants(root)).toEqual([replies[0], replies[2]]);
      });

      it('refuses replies to missing or deleted statuses with 404, and writes nothing', async () => {
        await start();
        const alice = await h.signUp('alice');
        const gone = await post(alice, 'soon gone');
        await h.call('DELETE', `/api/v1/statuses/${gone}`, { token: alice.token });
        for (const target of [gone, '123456789']) {
          const reply = await h.call('POST', '/api/v1/statuses', {
            token: alice.token,
            body: { status: 'a reply', in_reply_to_id: target },
          });
          expect(reply.status).toBe(404);
          expect(reply.body.code).toBe('not_found');
        }
        const bad = await h.call('POST', '/api/v1/statuses', {
          token: alice.token,
          body: { status: 'a reply', in_reply_to_id: 'abc' },
        });
        expect(bad.status).toBe(400);
        for (const id of ['123456789', gone, 'x1']) {
          expect((await h.call('GET', `/api/v1/statuses/${id}/context`)).status, id).toBe(404);
        }
        await h.drain();
        expect((await account(alice)).statuses_count).toBe(0);
      });
    });

    describe('boosts', () => {
      it("delivers a boost to the booster's followers with the original embedded, once", async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(h, carol, bob);
        const original = await post(alice, 'worth sharing #good');

        const first = await act(bob, original, 'reblog');
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({
          account: { username: 'bob' },
          content: '',
          reblog: { id: original, account: { username: 'alice' }, reblogged: true, tags: [{ name: 'good' }] },
        });
        expect(first.body.id).not.toBe(original);
        expect(plain(first.body.reblog)).toBe('worth sharing #good');
        const again = await act(bob, original, 'reblog');
        expect(again.status).toBe(200);
        expect(again.body.id).toBe(first.body.id);
        // A boost of the boost is a boost of the original: the same one.
        expect((await act(bob, first.body.id, 'reblog')).body.id).toBe(first.body.id);

        await h.drain();
        expect(await home(carol)).toEqual([first.body.id]);
        expect((await status(original)).body.reblogs_count).toBe(1);
        expect((await status(original, bob)).body.reblogged).toBe(true);
        expect((await status(original, carol)).body.reblogged).toBe(false);
        expect((await account(bob)).statuses_count).toBe(1);
      });

      it('undoing a boost removes it from timelines and the count; undoing again is fine', async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(h, carol, bob);
        const original = await post(alice, 'share me');
        const boost = (await act(bob, original, 'reblog')).body.id;
        await h.drain();
        expect(await home(carol)).toEqual([boost]);

        for (let i = 0; i < 2; i++) {
          const undo = await act(bob, original, 'unreblog');
          expect(undo.status).toBe(200);
          expect(undo.body).toMatchObject({ id: original, reblogged: false });
        }
        await h.drain();
        expect(await home(carol)).toEqual([]);
        expect((await status(boost)).status).toBe(404);
        expect((await status(original)).body.reblogs_count).toBe(0);
        expect((await status(original, bob)).body.reblogged).toBe(false);
        // Boosting afresh is allowed once the old one is undone.
        const fresh = await act(bob, original, 'reblog');
        expect(fresh.status).toBe(200);
        expect(fresh.body.id).not.toBe(boost);
      });

      it('deleting the original hides its boosts everywhere', async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(h, carol, bob);
        const original = await post(alice, 'regrettable');
        const boost = (await act(bob, original, 'reblog')).body.id;
        await h.drain();
        expect(await home(carol)).toEqual([boost]);

        await h.call('DELETE', `/api/v1/statuses/${original}`, { token: alice.token });
        expect(await home(carol)).toEqual([]);
        expect(ids(await h.call('GET', `/api/v1/accounts/${bob.id}/statuses`))).toEqual([]);
        expect((await status(boost)).status).toBe(404);
        await h.drain();
        expect(await home(carol)).toEqual([]);
      });

      it('answers 404 for missing or deleted originals and 401 without a token', async () => {
        await start();
        const alice = await h.signUp('alice');
        const gone = await post(alice, 'gone');
        await h.call('DELETE', `/api/v1/statuses/${gone}`, { token: alice.token });
        for (const id of [gone, '987654321', 'nope']) {
          expect((await act(alice, id, 'reblog')).status, id).toBe(404);
        }
        expect((await act(alice, '987654321', 'unreblog')).status).toBe(404);
        expect((await act(undefined, gone, 'reblog')).status).toBe(401);
      });
    });

    describe('favourites', () => {
      it('favourites and unfavourites idempotently, with the viewer state per caller', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        const id = await post(alice, 'likeable');
        for (let i = 0; i < 2; i++) {
          const reply = await act(bob, id, 'favourite');
          expect(reply.status).toBe(200);
          expect(reply.body).toMatchObject({ id, favourited: true });
        }
        await h.drain();
        expect((await status(id, bob)).body).toMatchObject({ favourites_count: 1, favourited: true });
        expect((await status(id, alice)).body).toMatchObject({ favourites_count: 1, favourited: false });
        expect((await status(id)).body).toMatchObject({ favourites_count: 1, favourited: false });

        for (let i = 0; i < 2; i++) {
          const reply = await act(bob, id, 'unfavourite');
          expect(reply.status).toBe(200);
          expect(reply.body).toMatchObject({ id, favourited: false });
        }
        await h.drain();
        expect((await status(id, bob)).body).toMatchObject({ favourites_count: 0, favourited: false });
      });

      it('counts 20 concurrent favourites by 20 accounts as 20, and one account favouriting 10 times at once as 1', async () => {
        await start();
        const alice = await h.signUp('alice');
        const [many, once] = [await post(alice, 'popular'), await post(alice, 'liked once')];
        const fans = await Promise.all(Array.from({ length: 20 }, (_, i) => h.signUp(`fan${i}`)));
        const replies = await Promise.all([
          ...fans.map((fan) => act(fan, many, 'favourite')),
          ...Array.from({ length: 10 }, () => act(fans[0] as User, once, 'favourite')),
        ]);
        expect(replies.every((r) => r.status === 200)).toBe(true);
        await h.drain();
        expect((await status(many)).body.favourites_count).toBe(20);
        expect((await status(once)).body.favourites_count).toBe(1);
        const rows = await h.app.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM likes');
        expect(rows[0]?.n).toBe('21');
      });

      it('favouriting a boost favourites its original; missing and deleted statuses are 404', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        const original = await post(alice, 'original');
        const boost = (await act(bob, original, 'reblog')).body.id;
        const liked = await act(alice, boost, 'favourite');
        expect(liked.status).toBe(200);
        expect(liked.body.id).toBe(original);
        await h.drain();
        expect((await status(original, alice)).body).toMatchObject({ favourites_count: 1, favourited: true });
        expect((await status(boost, alice)).body.reblog).toMatchObject({
          favourites_count: 1,
          favourited: true,
        });

        const gone = await post(alice, 'gone');
        await h.call('DELETE', `/api/v1/statuses/${gone}`, { token: alice.token });
        expect((await act(bob, gone, 'favourite')).status).toBe(404);
        expect((await act(bob, '55555', 'favourite')).status).toBe(404);
        expect((await act(undefined, original, 'favourite')).status).toBe(401);
      });
    });

    describe('mentions', () => {
      it('links only existing handles, and finds the statuses that mention an account', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        const first = await post(alice, 'hi @Bob and @nobody_here');
        const shown = (await status(first)).body;
        expect(shown.mentions).toEqual([
          expect.objectContaining({ id: bob.id, username: 'bob', acct: 'bob' }),
        ]);
        expect(shown.content).toContain('class="u-url mention"');
        expect(shown.content).toContain('@<span>Bob</span>');
        expect(shown.content).not.toContain('@<span>nobody_here</span>');
        expect(plain(shown)).toBe('hi @Bob and @nobody_here');
        await post(alice, 'no mention of anyone');
        const second = await post(alice, '@bob again');
        expect(await mentioning('bob', bob.token)).toEqual([second, first]);

        await h.call('DELETE', `/api/v1/statuses/${second}`, { token: alice.token });
        expect(await mentioning('bob', bob.token)).toEqual([first]);
        expect(await mentioning('alice', alice.token)).toEqual([]);
      });
    });
  });
}
