import { afterEach, describe, expect, it } from 'vitest';
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
    const post = async (user: User, text: string) =>
      (await h.call('POST', '/api/v1/tweets', { token: user.token, body: { text } })).body.id as string;
    const home = async (user: User) => {
      const reply = await h.call('GET', '/api/v1/timelines/home?limit=20', { token: user.token });
      expect(reply.status).toBe(200);
      return reply.body.tweets as Array<{
        text: string;
        like_count: number;
        retweet_count: number;
        liked: boolean;
        retweeted: boolean;
        retweet_of: { text: string; liked: boolean; like_count: number } | null;
      }>;
    };
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
      for (const user of [bob, f1, f2])
        await h.call('PUT', `/api/v1/accounts/star/follow`, { token: user.token });
      await h.call('PUT', '/api/v1/accounts/alice/follow', { token: bob.token });
      const first = await post(alice, 'first');
      await post(star, 'from the star');
      await h.drain();
      await h.call('POST', `/api/v1/tweets/${first}/retweet`, { token: star.token });
      await h.call('PUT', `/api/v1/tweets/${first}/like`, { token: bob.token });
      await h.drain();
      await home(bob); // the first read rebuilds the timeline and caches what it shows
      let page = await warmHome(bob);
      expect(page.map((t) => t.text)).toEqual(['', 'from the star', 'first']);
      expect(page[2]).toMatchObject({ like_count: 1, retweet_count: 1, liked: true, retweeted: false });
      expect(page[0]?.retweet_of).toMatchObject({ text: 'first', liked: true, like_count: 1 });

      // Changes show at once for the viewer who made them, and counters once the workers applied them.
      await h.call('DELETE', `/api/v1/tweets/${first}/like`, { token: bob.token });
      await h.call('POST', `/api/v1/tweets/${first}/retweet`, { token: bob.token });
      page = await warmHome(bob);
      expect(page.find((t) => t.text === 'first')).toMatchObject({ liked: false, retweeted: true });
      await h.drain();
      page = await warmHome(bob);
      expect(page.find((t) => t.text === 'first')).toMatchObject({ like_count: 0, retweet_count: 2 });

      // An unfollow needs no question either: the cached timeline let the star go before it answered.
      await h.call('DELETE', '/api/v1/accounts/star/follow', { token: bob.token });
      page = await warmHome(bob);
      expect(page.map((t) => t.text)).toEqual(['', 'first']);
    });

    it('falls back to the database when the cache fails, and is right', async () => {
      await start();
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      await h.call('PUT', '/api/v1/accounts/alice/follow', { token: bob.token });
      const id = await post(alice, 'hello');
      await h.call('PUT', `/api/v1/tweets/${id}/like`, { token: bob.token });
      await h.drain();
      await home(bob);
      const { cache } = h.app;
      const read = cache.read.bind(cache);
      cache.read = () => Promise.reject(new Error('cache down'));
      try {
        sql.reset();
        const page = await home(bob);
        expect(page.map((t) => t.text)).toEqual(['hello']);
        expect(page[0]).toMatchObject({ like_count: 1, liked: true });
        expect(sql.statements.length).toBeGreaterThan(0);
      } finally {
        cache.read = read;
      }
    });
  });
}
