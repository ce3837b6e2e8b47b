import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { sharedPglite } from '../support/database.js';
import {
  type Backend,
  backends,
  type Harness,
  harnessFor,
  startHarness,
  testConfig,
  type User,
} from '../support/harness.js';

let h: Harness;
afterEach(() => h.close());

const texts = (reply: { body: { tweets: { text: string }[] } }) => reply.body.tweets.map((t) => t.text);

async function post(user: User, text: string): Promise<string> {
  const reply = await h.call('POST', '/api/v1/tweets', { token: user.token, body: { text } });
  expect(reply.status).toBe(201);
  return reply.body.id;
}

const home = (user: User, query = '') =>
  h.call('GET', `/api/v1/timelines/home${query}`, { token: user.token });
const follow = (user: User, handle: string) =>
  h.call('PUT', `/api/v1/accounts/${handle}/follow`, { token: user.token });

async function start(overrides: Partial<Config> = {}) {
  h = await startHarness(overrides, undefined, current);
}

let current: Backend;

for (const backend of backends()) {
  describe(backend.name, () => {
    beforeAll(() => {
      current = backend;
    });

    describe('tweets', () => {
      it('posts, reads back and deletes a tweet; only its author may delete it', async () => {
        await start();
        const [alice, mallory] = [await h.signUp('alice'), await h.signUp('mallory')];
        const created = await h.call('POST', '/api/v1/tweets', {
          token: alice.token,
          body: { text: 'Hello @mallory #first' },
        });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({
          author: { id: alice.id, handle: 'alice' },
          text: 'Hello @mallory #first',
          reply_to_id: null,
          retweet_of: null,
          like_count: 0,
          mentions: ['mallory'],
          hashtags: ['first'],
          liked: false,
          retweeted: false,
        });
        const id = created.body.id;
        expect((await h.call('GET', `/api/v1/tweets/${id}`)).body.text).toBe('Hello @mallory #first');
        const stolen = await h.call('DELETE', `/api/v1/tweets/${id}`, { token: mallory.token });
        expect(stolen.status).toBe(404);
        expect((await h.call('GET', `/api/v1/tweets/${id}`)).status).toBe(200);
        expect((await h.call('DELETE', `/api/v1/tweets/${id}`, { token: alice.token })).status).toBe(204);
        expect((await h.call('GET', `/api/v1/tweets/${id}`)).status).toBe(404);
        expect((await h.call('DELETE', `/api/v1/tweets/${id}`, { token: alice.token })).status).toBe(404);
      });

      it('refuses bad tweets with 400 and stores nothing', async () => {
        await start();
        const alice = await h.signUp('alice');
        const bodies: unknown[] = [
          { text: '' },
          { text: '   ' },
          { text: 'a'.repeat(281) },
          { text: 5 },
          { text: 'hi', author_id: '1' },
          { text: 'hi', reply_to_id: 'abc' },
          {},
          '[1,2',
        ];
        for (const body of bodies) {
          const reply = await h.call('POST', '/api/v1/tweets', { token: alice.token, body });
          expect(reply.status, JSON.stringify(body)).toBe(400);
          expect(reply.body.error.code).toBe('validation_failed');
        }
        expect((await h.call('GET', '/api/v1/accounts/alice/tweets')).body.tweets).toEqual([]);
        expect((await h.call('POST', '/api/v1/tweets', { body: { text: 'anon' } })).status).toBe(401);
      });

      it('answers malformed and out-of-range ids with 400, unknown ones with 404', async () => {
        await start();
        for (const id of ['abc', '-1', '1.0', '99999999999999999999']) {
          const reply = await h.call('GET', `/api/v1/tweets/${id}`);
          expect(reply.status, id).toBe(400);
        }
        expect((await h.call('GET', '/api/v1/tweets/12345')).status).toBe(404);
      });

      it("lists an account's own tweets newest first", async () => {
        await start();
        const alice = await h.signUp('alice');
        for (const text of ['one', 'two', 'three']) await post(alice, text);
        expect(texts(await h.call('GET', '/api/v1/accounts/alice/tweets'))).toEqual(['three', 'two', 'one']);
        await h.drain();
        expect((await h.call('GET', '/api/v1/accounts/alice')).body.tweets_count).toBe(3);
      });
    });

    describe('home timeline', () => {
      it("shows the reader's own tweets and those of followed accounts, newest first, after fanout", async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(bob, 'alice');
        expect(texts(await home(bob))).toEqual([]);
        await post(alice, 'from alice');
        await post(carol, 'from carol (not followed)');
        await post(bob, 'from bob');
        await h.drain();
        expect(texts(await home(bob))).toEqual(['from bob', 'from alice']);
        await post(alice, 'second from alice');
        await h.drain();
        expect(texts(await home(bob))).toEqual(['second from alice', 'from bob', 'from alice']);
        expect(texts(await home(alice))).toEqual(['second from alice', 'from alice']);
        expect(carol.handle).toBe('carol');
      });

      it('pages with next_cursor: every tweet exactly once, even while new ones arrive', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        await follow(bob, 'alice');
        const posted: string[] = [];
        for (let i = 0; i < 10; i++) posted.push(await post(i % 2 ? alice : bob, `t${i}`));
        await h.drain();
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await home(bob, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
          expect(page.status).toBe(200);
          seen.push(...page.body.tweets.map((t: { id: string }) => t.id));
          cursor = page.body.next_cursor;
          if (pages++ === 1) {
            await post(alice, 'arrives mid-paging');
            await h.drain();
          }
        } while (cursor);
        expect(seen).toEqual([...posted].reverse());
      });

      it('returns only newer tweets with since_id', async () => {
        await start();
        const alice = await h.signUp('alice');
        await post(alice, 'old');
        const mark = await post(alice, 'mark');
        await post(alice, 'new');
        await h.drain();
        expect(texts(await home(alice, `?since_id=${mark}`))).toEqual(['new']);
      });

      it('rejects bad paging parameters with 400 and clamps large limits', async () => {
        await start();
        const alice = await h.signUp('alice');
        for (const q of [
          '?limit=0',
          '?limit=-1',
          '?limit=abc',
          '?cursor=@@',
          '?cursor=djE6eA',
          '?since_id=x',
          '?foo=1',
        ]) {
          const reply = await home(alice, q);
          expect(reply.status, q).toBe(400);
          expect(reply.body.error.code).toBe('validation_failed');
        }
        for (let i = 0; i < 3; i++) await post(alice, `t${i}`);
        expect((await home(alice, '?limit=1000')).body.tweets).toHaveLength(3);
        expect((await home(alice)).status).toBe(200);
      });

      it("drops deleted tweets and unfollowed authors, and merges a new followee's recent tweets", async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(bob, 'alice');
        const doomed = await post(alice, 'to be deleted');
        await post(alice, 'stays');
        await post(carol, 'carol before follow');
        await h.drain();
        expect(texts(await home(bob))).toEqual(['stays', 'to be deleted']);

        await h.call('DELETE', `/api/v1/tweets/${doomed}`, { token: alice.token });
        expect(texts(await home(bob))).toEqual(['stays']);
        await h.drain();
        expect(texts(await home(bob))).toEqual(['stays']);

        await follow(bob, 'carol');
        await h.drain();
        expect(texts(await home(bob))).toEqual(['carol before follow', 'stays']);

        await h.call('DELETE', '/api/v1/accounts/alice/follow', { token: bob.token });
        expect(texts(await home(bob))).toEqual(['carol before follow']);
        await h.drain();
        expect(texts(await home(bob))).toEqual(['carol before follow']);
      });

      it("merges a celebrity's tweets at read time instead of pushing them to every follower", async () => {
        await start({ celebrityThreshold: 3 });
        const star = await h.signUp('star');
        const fans = await Promise.all(['f1', 'f2', 'f3'].map((handle) => h.signUp(handle)));
        for (const fan of fans) await follow(fan, 'star');
        await h.drain(); // the follower count, and with it the fanout mode, moves through the log
        for (const fan of fans) await home(fan); // every fan has a cached timeline
        await post(star, 'big news');
        const fan = fans[0] as User;
        await post(fan, 'my own');
        await h.drain();
        for (const f of fans) {
          const cached = await h.app.cache.read(BigInt(f.id), { limit: 100 });
          const authors = cached?.entries.map((e) => e.authorId.toString()) ?? [];
          expect(authors).not.toContain(star.id);
        }
        expect(texts(await home(fan))).toEqual(['my own', 'big news']);
        expect(texts(await home(fans[1] as User))).toEqual(['big news']);
      });

      it('rebuilds a timeline nobody has cached, with a full first page', async () => {
        await start({ timelineMax: 10 });
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        await follow(bob, 'alice');
        for (let i = 0; i < 25; i++) await post(alice, `t${i}`);
        await h.drain();
        await h.app.cache.clear();
        const first = await home(bob, '?limit=20');
        expect(texts(first)).toEqual(Array.from({ length: 20 }, (_, i) => `t${24 - i}`));
        const second = await home(bob, `?limit=20&cursor=${first.body.next_cursor}`);
        expect(texts(second)).toEqual(Array.from({ length: 5 }, (_, i) => `t${4 - i}`));
        expect(second.body.next_cursor).toBeNull();
      });

      it('keeps every account, follow and tweet across a restart', async (context) => {
        if (current.name !== 'embedded')
          return context.skip('a restart in services mode is covered by the fault tests');
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        await follow(bob, 'alice');
        await post(alice, 'before restart');
        await h.app.close();
        const sql = await sharedPglite();
        const app = await createApp(testConfig(), { role: 'all', sql, clock: h.clock, logger: false });
        h = harnessFor(app, h.clock);
        await h.app.start();
        await h.app.workers.stop();
        await h.drain();
        expect(texts(await home(bob))).toEqual(['before restart']);
        const login = await h.call('POST', '/api/v1/sessions', {
          body: { handle: 'alice', password: 'correct horse battery' },
        });
        expect(login.status).toBe(200);
      });
    });
  });
}
