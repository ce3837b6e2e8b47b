import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteClient } from '../../src/adapters/pglite/pglite-client.js';
import { migrate } from '../../src/adapters/sql/migrate.js';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { STATUS_PAGE } from '../../src/http/paging.js';
import {
  allPages,
  follow,
  home as homeOf,
  linkOf,
  pathOf,
  plain,
  post as postAs,
  texts,
  unfollow,
} from '../support/client-api.js';
import { TestClock } from '../support/clock.js';
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

const post = (user: User, text: string) => postAs(h, user, text);
const home = (user: User, query = '') => homeOf(h, user, query);

async function start(overrides: Partial<Config> = {}) {
  h = await startHarness(overrides, undefined, current);
}

let current: Backend;

for (const backend of backends()) {
  describe(backend.name, () => {
    beforeAll(() => {
      current = backend;
    });

    describe('statuses', () => {
      it('posts, reads back and deletes a status; only its author may delete it', async () => {
        await start();
        const [alice, mallory] = [await h.signUp('alice'), await h.signUp('mallory')];
        const created = await h.call('POST', '/api/v1/statuses', {
          token: alice.token,
          body: { status: 'Hello @mallory #first' },
        });
        expect(created.status).toBe(200);
        expect(created.body).toMatchObject({
          account: { id: alice.id, username: 'alice' },
          in_reply_to_id: null,
          reblog: null,
          favourites_count: 0,
          mentions: [{ id: mallory.id, username: 'mallory' }],
          tags: [{ name: 'first' }],
          favourited: false,
          reblogged: false,
        });
        expect(plain(created.body)).toBe('Hello @mallory #first');
        const id = created.body.id;
        expect(plain((await h.call('GET', `/api/v1/statuses/${id}`)).body)).toBe('Hello @mallory #first');
        const stolen = await h.call('DELETE', `/api/v1/statuses/${id}`, { token: mallory.token });
        expect(stolen.status).toBe(404);
        expect((await h.call('GET', `/api/v1/statuses/${id}`)).status).toBe(200);
        const deleted = await h.call('DELETE', `/api/v1/statuses/${id}`, { token: alice.token });
        expect(deleted.status).toBe(200);
        expect(deleted.body).toMatchObject({ id, text: 'Hello @mallory #first' });
        expect((await h.call('GET', `/api/v1/statuses/${id}`)).status).toBe(404);
        expect((await h.call('DELETE', `/api/v1/statuses/${id}`, { token: alice.token })).status).toBe(404);
      });

      it('refuses bad statuses with 400 and stores nothing', async () => {
        await start();
        const alice = await h.signUp('alice');
        const bodies: unknown[] = [
          { status: '' },
          { status: '   ' },
          { status: 'a'.repeat(281) },
          { status: ['a', 'b'] },
          { status: 'hi', in_reply_to_id: 'abc' },
          { status: 'hi', visibility: 'everyone' },
          {},
          '[1,2',
        ];
        for (const body of bodies) {
          const reply = await h.call('POST', '/api/v1/statuses', { token: alice.token, body });
          expect(reply.status, JSON.stringify(body)).toBe(400);
          expect(reply.body.code).toBe('validation_failed');
        }
        expect((await h.call('GET', `/api/v1/accounts/${alice.id}/statuses`)).body).toEqual([]);
        expect((await h.call('POST', '/api/v1/statuses', { body: { status: 'anon' } })).status).toBe(401);
      });

      it('answers ids that cannot exist and unknown ones with 404', async () => {
        await start();
        for (const id of ['abc', '-1', '1.0', '99999999999999999999', '12345']) {
          const reply = await h.call('GET', `/api/v1/statuses/${id}`);
          expect(reply.status, id).toBe(404);
          expect(reply.body.code).toBe('not_found');
        }
      });

      it("lists an account's own statuses newest first", async () => {
        await start();
        const alice = await h.signUp('alice');
        for (const text of ['one', 'two', 'three']) await post(alice, text);
        expect(texts(await h.call('GET', `/api/v1/accounts/${alice.id}/statuses`))).toEqual([
          'three',
          'two',
          'one',
        ]);
        await h.drain();
        expect((await h.call('GET', `/api/v1/accounts/${alice.id}`)).body.statuses_count).toBe(3);
      });
    });

    describe('home timeline', () => {
      it("shows the reader's own statuses and those of followed accounts, newest first, after fanout", async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(h, bob, alice);
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
      });

      it('pages by the Link header: every status exactly once, even while new ones arrive', async () => {
        await start();
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        await follow(h, bob, alice);
        const posted: string[] = [];
        for (let i = 0; i < 10; i++) posted.push(await post(i % 2 ? alice : bob, `t${i}`));
        await h.drain();
        const { ids: seen, pages } = await allPages(h, '/api/v1/timelines/home?limit=3', {
          token: bob.token,
          async afterPage(index) {
            if (index !== 1) return;
            await post(alice, 'arrives mid-paging');
            await h.drain();
          },
        });
        expect(seen).toEqual([...posted].reverse());
        expect(pages).toBe(4);
      });

      it('returns only newer statuses with since_id', async () => {
        await start();
        const alice = await h.signUp('alice');
        await post(alice, 'old');
        const mark = await post(alice, 'mark');
        await post(alice, 'new');
        await h.drain();
        expect(texts(await home(alice, `?since_id=${mark}`))).toEqual(['new']);
      });

      it('rejects bad paging parameters with 400, ignores unknown ones and clamps large limits', async () => {
        await start();
        const alice = await h.signUp('alice');
        for (const q of ['?limit=0', '?limit=-1', '?limit=abc', '?max_id=@@', '?max_id=1e5', '?since_id=x']) {
          const reply = await home(alice, q);
          expect(reply.status, q).toBe(400);
          expect(reply.body.code).toBe('validation_failed');
        }
        // More than the largest page, so a clamp shows: at most 40, whatever was asked.
        for (let i = 0; i < STATUS_PAGE.max + 5; i++) await post(alice, `t${i}`);
        expect((await home(alice, '?limit=1000')).body).toHaveLength(STATUS_PAGE.max);
        expect((await home(alice, '?foo=1')).body).toHaveLength(STATUS_PAGE.fallback);
        expect((await h.call('GET', '/api/v1/timelines/home')).status).toBe(401);
      });

      it("drops deleted statuses and unfollowed authors, and merges a new followee's recent statuses", async () => {
        await start();
        const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
        await follow(h, bob, alice);
        const doomed = await post(alice, 'to be deleted');
        await post(alice, 'stays');
        await post(carol, 'carol before follow');
        await h.drain();
        expect(texts(await home(bob))).toEqual(['stays', 'to be deleted']);

        await h.call('DELETE', `/api/v1/statuses/${doomed}`, { token: alice.token });
        expect(texts(await home(bob))).toEqual(['stays']);
        await h.drain();
        expect(texts(await home(bob))).toEqual(['stays']);

        await follow(h, bob, carol);
        await h.drain();
        expect(texts(await home(bob))).toEqual(['carol before follow', 'stays']);

        await unfollow(h, bob, alice);
        expect(texts(await home(bob))).toEqual(['carol before follow']);
        await h.drain();
        expect(texts(await home(bob))).toEqual(['carol before follow']);
      });

      it("merges a celebrity's statuses at read time instead of pushing them to every follower", async () => {
        await start({ celebrityThreshold: 3 });
        const star = await h.signUp('star');
        const fans = await Promise.all(['f1', 'f2', 'f3'].map((handle) => h.signUp(handle)));
        for (const fan of fans) await follow(h, fan, star);
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
        await follow(h, bob, alice);
        for (let i = 0; i < 25; i++) await post(alice, `t${i}`);
        await h.drain();
        await h.app.cache.clear();
        const first = await home(bob, '?limit=20');
        expect(texts(first)).toEqual(Array.from({ length: 20 }, (_, i) => `t${24 - i}`));
        const next = linkOf(first, 'next');
        expect(next).not.toBeNull();
        const second = await h.call('GET', pathOf(next as string), { token: bob.token });
        expect(texts(second)).toEqual(Array.from({ length: 5 }, (_, i) => `t${4 - i}`));
        expect(linkOf(second, 'next')).toBeNull();
      });

      it('keeps every account, follow and status across a restart', async (context) => {
        if (current.name !== 'embedded')
          return context.skip('a restart in services mode is covered by the fault tests');
        // A database in a folder, closed and opened again: what comes back is what was written to disk.
        const dataDir = await mkdtemp(join(tmpdir(), 'starling-restart-'));
        const clock = new TestClock();
        const open = async () => {
          const sql = await openPgliteClient(dataDir);
          await migrate(sql);
          const app = await createApp(testConfig(), { role: 'all', sql, clock, logger: false });
          return { sql, harness: harnessFor(app, clock) };
        };
        let opened = await open();
        h = opened.harness;
        const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
        await follow(h, bob, alice);
        await post(alice, 'before restart');
        await h.app.close();
        await opened.sql.close();
        // A restart takes time: ids minted afterwards are new ones (the frozen clock would repeat the old ones).
        clock.advance(1_000);
        opened = await open();
        const reopened = opened;
        h = {
          ...opened.harness,
          close: async () => {
            await reopened.harness.close();
            await reopened.sql.close();
            await rm(dataDir, { recursive: true, force: true });
          },
        };
        await h.app.start();
        await h.app.workers.stop();
        await h.drain();
        expect(texts(await home(bob))).toEqual(['before restart']);
        const registered = await h.call('POST', '/api/v1/apps', {
          body: { client_name: 'after restart', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read' },
        });
        const login = await h.call('POST', '/oauth/token', {
          body: {
            grant_type: 'password',
            client_id: registered.body.client_id,
            client_secret: registered.body.client_secret,
            username: 'alice',
            password: 'correct horse battery',
            scope: 'read',
          },
        });
        expect(registered.status).toBe(200);
        expect(login.status).toBe(200);
        expect(login.body.access_token).toEqual(expect.any(String));
      });
    });
  });
}
