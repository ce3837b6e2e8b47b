import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

/** Replies, retweets, likes, counters and mentions, over HTTP, in both modes. */

let h: Harness;
afterEach(() => h.close());

let current: Backend;
const start = async () => {
  h = await startHarness({}, undefined, current);
};

async function post(user: User, text: string, replyTo?: string): Promise<string> {
  const reply = await h.call('POST', '/api/v1/tweets', {
    token: user.token,
    body: replyTo === undefined ? { text } : { text, reply_to_id: replyTo },
  });
  expect(reply.status).toBe(201);
  return reply.body.id;
}

const tweet = (id: string, user?: User) => h.call('GET', `/api/v1/tweets/${id}`, { token: user?.token });
const ids = (reply: { body: { tweets: { id: string }[] } }) => reply.body.tweets.map((t) => t.id);
const home = async (user: User) => ids(await h.call('GET', '/api/v1/timelines/home', { token: user.token }));
const like = (user: User, id: string) => h.call('PUT', `/api/v1/tweets/${id}/like`, { token: user.token });
const follow = (user: User, handle: string) =>
  h.call('PUT', `/api/v1/accounts/${handle}/follow`, { token: user.token });

/** Every page of a paged list, following next_cursor. */
async function allPages(url: string, token?: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const reply = await h.call('GET', `${url}${separator}limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
      token,
    });
    expect(reply.status).toBe(200);
    out.push(...ids(reply));
    cursor = reply.body.next_cursor;
  } while (cursor !== null);
  return out;
}

for (const backend of backends()) {
  describe(`conversations (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    describe('replies', () => {
      it('checks reply_to_id, counts replies once the workers drain, and lists them newest first', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        const root = await post(alice, 'what do you think?');
        const replies = [
          await post(bob, 'yes', root),
          await post(alice, 'sure?', root),
          await post(bob, 'yes!', root),
        ];
        expect((await tweet(replies[0] as string)).body.reply_to_id).toBe(root);

        await h.drain();
        expect((await tweet(root)).body.reply_count).toBe(3);
        expect(await allPages(`/api/v1/tweets/${root}/replies`)).toEqual([...replies].reverse());

        // A deleted reply leaves the list and the count.
        expect((await h.call('DELETE', `/api/v1/tweets/${replies[1]}`, { token: alice.token })).status).toBe(
          204,
        );
        await h.drain();
        expect((await tweet(root)).body.reply_count).toBe(2);
        expect(await allPages(`/api/v1/tweets/${root}/replies`)).toEqual([replies[2], replies[0]]);
      });

      it('refuses replies to missing or deleted tweets with 404, and writes nothing', async () => {
        await start();
        const alice = await h.signUp('alice');
        const gone = await post(alice, 'soon gone');
        await h.call('DELETE', `/api/v1/tweets/${gone}`, { token: alice.token });
        for (const target of [gone, '123456789']) {
          const reply = await h.call('POST', '/api/v1/tweets', {
            token: alice.token,
            body: { text: 'a reply', reply_to_id: target },
          });
          expect(reply.status).toBe(404);
          expect(reply.body.error.code).toBe('not_found');
        }
        const bad = await h.call('POST', '/api/v1/tweets', {
          token: alice.token,
          body: { text: 'a reply', reply_to_id: 'abc' },
        });
        expect(bad.status).toBe(400);
        expect((await h.call('GET', '/api/v1/tweets/123456789/replies')).status).toBe(404);
        expect((await h.call('GET', `/api/v1/tweets/${gone}/replies`)).status).toBe(404);
        expect((await h.call('GET', '/api/v1/tweets/x1/replies')).status).toBe(400);
        await h.drain();
        expect((await h.call('GET', '/api/v1/accounts/alice')).body.tweets_count).toBe(0);
      });
    });

    describe('retweets', () => {
      it("delivers a retweet to the retweeter's followers with the original embedded, once", async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(carol, 'bob');
        const original = await post(alice, 'worth sharing #good');

        const first = await h.call('POST', `/api/v1/tweets/${original}/retweet`, { token: bob.token });
        expect(first.status).toBe(201);
        expect(first.body).toMatchObject({
          author: { handle: 'bob' },
          text: '',
          retweet_of: {
            id: original,
            text: 'worth sharing #good',
            author: { handle: 'alice' },
            retweeted: true,
          },
        });
        const again = await h.call('POST', `/api/v1/tweets/${original}/retweet`, { token: bob.token });
        expect(again.status).toBe(200);
        expect(again.body.id).toBe(first.body.id);
        // A retweet of the retweet is a retweet of the original: the same one.
        const ofRetweet = await h.call('POST', `/api/v1/tweets/${first.body.id}/retweet`, {
          token: bob.token,
        });
        expect(ofRetweet.body.id).toBe(first.body.id);

        await h.drain();
        expect(await home(carol)).toEqual([first.body.id]);
        expect((await tweet(original)).body.retweet_count).toBe(1);
        expect((await tweet(original, bob)).body.retweeted).toBe(true);
        expect((await tweet(original, carol)).body.retweeted).toBe(false);
        expect((await h.call('GET', '/api/v1/accounts/bob')).body.tweets_count).toBe(1);
      });

      it('undoing a retweet removes it from timelines and the count; undoing again is fine', async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(carol, 'bob');
        const original = await post(alice, 'share me');
        const retweet = (await h.call('POST', `/api/v1/tweets/${original}/retweet`, { token: bob.token }))
          .body.id;
        await h.drain();
        expect(await home(carol)).toEqual([retweet]);

        for (let i = 0; i < 2; i++) {
          const undo = await h.call('DELETE', `/api/v1/tweets/${original}/retweet`, { token: bob.token });
          expect(undo.status).toBe(204);
        }
        await h.drain();
        expect(await home(carol)).toEqual([]);
        expect((await tweet(retweet)).status).toBe(404);
        expect((await tweet(original)).body.retweet_count).toBe(0);
        expect((await tweet(original, bob)).body.retweeted).toBe(false);
        // Retweeting afresh is allowed once the old one is undone.
        const fresh = await h.call('POST', `/api/v1/tweets/${original}/retweet`, { token: bob.token });
        expect(fresh.status).toBe(201);
        expect(fresh.body.id).not.toBe(retweet);
      });

      it('deleting the original hides its retweets everywhere', async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(carol, 'bob');
        const original = await post(alice, 'regrettable');
        const retweet = (await h.call('POST', `/api/v1/tweets/${original}/retweet`, { token: bob.token }))
          .body.id;
        await h.drain();
        expect(await home(carol)).toEqual([retweet]);

        await h.call('DELETE', `/api/v1/tweets/${original}`, { token: alice.token });
        expect(await home(carol)).toEqual([]);
        expect(ids(await h.call('GET', '/api/v1/accounts/bob/tweets'))).toEqual([]);
        expect((await tweet(retweet)).status).toBe(404);
        await h.drain();
        expect(await home(carol)).toEqual([]);
      });

      it('answers 404 for missing or deleted originals and 401 without a token', async () => {
        await start();
        const alice = await h.signUp('alice');
        const gone = await post(alice, 'gone');
        await h.call('DELETE', `/api/v1/tweets/${gone}`, { token: alice.token });
        for (const id of [gone, '987654321']) {
          const reply = await h.call('POST', `/api/v1/tweets/${id}/retweet`, { token: alice.token });
          expect(reply.status).toBe(404);
        }
        expect(
          (await h.call('DELETE', '/api/v1/tweets/987654321/retweet', { token: alice.token })).status,
        ).toBe(404);
        expect((await h.call('POST', `/api/v1/tweets/${gone}/retweet`)).status).toBe(401);
        expect((await h.call('POST', '/api/v1/tweets/nope/retweet', { token: alice.token })).status).toBe(
          400,
        );
      });
    });

    describe('likes', () => {
      it('likes and unlikes idempotently, with the viewer state per caller', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        const id = await post(alice, 'likeable');
        for (let i = 0; i < 2; i++) {
          const reply = await like(bob, id);
          expect(reply.status).toBe(200);
          expect(reply.body).toEqual({ liked: true });
        }
        await h.drain();
        expect((await tweet(id, bob)).body).toMatchObject({ like_count: 1, liked: true });
        expect((await tweet(id, alice)).body).toMatchObject({ like_count: 1, liked: false });
        expect((await tweet(id)).body).toMatchObject({ like_count: 1, liked: false });

        for (let i = 0; i < 2; i++) {
          const reply = await h.call('DELETE', `/api/v1/tweets/${id}/like`, { token: bob.token });
          expect(reply.body).toEqual({ liked: false });
        }
        await h.drain();
        expect((await tweet(id, bob)).body).toMatchObject({ like_count: 0, liked: false });
      });

      it('counts 20 concurrent likes by 20 accounts as 20, and one account liking 10 times at once as 1', async () => {
        await start();
        const alice = await h.signUp('alice');
        const [many, once] = [await post(alice, 'popular'), await post(alice, 'liked once')];
        const fans = await Promise.all(Array.from({ length: 20 }, (_, i) => h.signUp(`fan${i}`)));
        const replies = await Promise.all([
          ...fans.map((fan) => like(fan, many)),
          ...Array.from({ length: 10 }, () => like(fans[0] as User, once)),
        ]);
        expect(replies.every((r) => r.status === 200)).toBe(true);
        await h.drain();
        expect((await tweet(many)).body.like_count).toBe(20);
        expect((await tweet(once)).body.like_count).toBe(1);
        const rows = await h.app.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM likes');
        expect(rows[0]?.n).toBe('21');
      });

      it('liking a retweet likes its original; missing and deleted tweets are 404', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        const original = await post(alice, 'original');
        const retweet = (await h.call('POST', `/api/v1/tweets/${original}/retweet`, { token: bob.token }))
          .body.id;
        expect((await like(alice, retweet)).status).toBe(200);
        await h.drain();
        expect((await tweet(original, alice)).body).toMatchObject({ like_count: 1, liked: true });
        expect((await tweet(retweet, alice)).body.retweet_of).toMatchObject({ like_count: 1, liked: true });

        const gone = await post(alice, 'gone');
        await h.call('DELETE', `/api/v1/tweets/${gone}`, { token: alice.token });
        expect((await like(bob, gone)).status).toBe(404);
        expect((await like(bob, '55555')).status).toBe(404);
        expect((await h.call('PUT', `/api/v1/tweets/${original}/like`)).status).toBe(401);
      });
    });

    describe('mentions', () => {
      it('links only existing handles and lists the tweets that mention the caller', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        const first = await post(alice, 'hi @Bob and @nobody_here');
        expect((await tweet(first)).body.mentions).toEqual(['bob']);
        await post(alice, 'no mention of anyone');
        const second = await post(alice, '@bob again');
        const page = await h.call('GET', '/api/v1/timelines/mentions', { token: bob.token });
        expect(ids(page)).toEqual([second, first]);
        expect(
          ids(await h.call('GET', `/api/v1/timelines/mentions?since_id=${first}`, { token: bob.token })),
        ).toEqual([second]);

        await h.call('DELETE', `/api/v1/tweets/${second}`, { token: alice.token });
        expect(ids(await h.call('GET', '/api/v1/timelines/mentions', { token: bob.token }))).toEqual([first]);
        expect(ids(await h.call('GET', '/api/v1/timelines/mentions', { token: alice.token }))).toEqual([]);
        expect((await h.call('GET', '/api/v1/timelines/mentions')).status).toBe(401);
      });
    });
  });
}
