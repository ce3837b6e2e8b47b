import { afterEach, describe, expect, it } from 'vitest';
import { follow, plain, post as postAs, unfollow } from '../support/client-api.js';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';
import { type CountingSql, countingSql } from '../support/sql-statements.js';

for (const backend of backends()) {
  describe(`a warm home read (${backend.name})`, () => {
    let h: Harness;
    let sql: CountingSql;
    afterEach(() => h.close());

    const start = async (overrides = {}) => {
      h = await startHarness(overrides, undefined, backend, {
        wrapSql: (inner) => {
          sql = countingSql(inner);
          return sql;
        },
      });
    };
    const post = (user: User, text: string) => postAs(h, user, text);
    interface Shown {
      content: string;
      favourites_count: number;
      reblogs_count: number;
      favourited: boolean;
      reblogged: boolean;
      reblog: { content: string; favourited: boolean; favourites_count: number } | null;
    }
    const home = async (user: User) => {
      const reply = await h.call('GET', '/api/v1/timelines/home?limit=20', { token: user.token });
      expect(reply.status).toBe(200);
      return (reply.body as Shown[]).map((status) => ({ ...status, text: plain(status) }));
    };
    const act = (user: User, id: string, action: string) =>
      h.call('POST', `/api/v1/statuses/${id}/${action}`, { token: user.token });
    /** The home page read with nothing asked of the database. */
    const warmHome = async (user: User) => {
      sql.reset();
      const page = await home(user);
      expect(sql.statements, 'statements of a warm home read').toEqual([]);
      return page;
    };

    it('asks the database nothing, celebrities, counters, likes and retweets included, and stays exact', async () => {
      await start({ celebrityThreshold: 3 });
      const [alice, bob, star, f1, f2] = (await Promise.all(
        ['alice', 'bob', 'star', 'f1', 'f2'].map((handle) => h.signUp(handle)),
      )) as [User, User, User, User, User];
      for (const user of [bob, f1, f2]) await follow(h, user, star);
      await follow(h, bob, alice);
      const first = await post(alice, 'first');
      await post(star, 'from the star');
      await h.drain();
      await act(star, first, 'reblog');
      await act(bob, first, 'favourite');
      await h.drain();
      await home(bob); // the first read rebuilds the timeline and caches what it shows
      let page = await warmHome(bob);
      expect(page.map((t) => t.text)).toEqual(['', 'from the star', 'first']);
      expect(page[2]).toMatchObject({
        favourites_count: 1,
        reblogs_count: 1,
        favourited: true,
        reblogged: false,
      });
      expect(page[0]?.reblog).toMatchObject({
        content: '<p>first</p>',
        favourited: true,
        favourites_count: 1,
      });

      // Changes show at once for the viewer who made them, and counters once the workers applied them.
      await act(bob, first, 'unfavourite');
      await act(bob, first, 'reblog');
      page = await warmHome(bob);
      expect(page.find((t) => t.text === 'first')).toMatchObject({ favourited: false, reblogged: true });
      await h.drain();
      page = await warmHome(bob);
      expect(page.find((t) => t.text === 'first')).toMatchObject({ favourites_count: 0, reblogs_count: 2 });

      // An unfollow needs no question either: the cached timeline let the star go before it answered.
      await unfollow(h, bob, star);
      page = await warmHome(bob);
      expect(page.map((t) => t.text)).toEqual(['', 'first']);
    });

    it('falls back to the database when the cache fails, and is right', async () => {
      await start();
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      await follow(h, bob, alice);
      const id = await post(alice, 'hello');
      await act(bob, id, 'favourite');
      await h.drain();
      await home(bob);
      const { cache } = h.app;
      const read = cache.read.bind(cache);
      cache.read = () => Promise.reject(new Error('cache down'));
      try {
        sql.reset();
        const page = await home(bob);
        expect(page.map((t) => t.text)).toEqual(['hello']);
        expect(page[0]).toMatchObject({ favourites_count: 1, favourited: true });
        expect(sql.statements.length).toBeGreaterThan(0);
      } finally {
        cache.read = read;
      }
    });
  });
}
