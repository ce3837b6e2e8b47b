import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqlCounterStore } from '../../src/adapters/sql/counter-store.js';
import { SqlTweetStore } from '../../src/adapters/sql/tweet-store.js';
import { decodeEvent } from '../../src/domain/events.js';
import { createCounterService } from '../../src/services/counters.js';
import { type Backend, backends, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
afterEach(() => h.close());
let current: Backend;

/** The events waiting in the outbox, as the log would deliver them. */
async function pendingEvents() {
  const rows = await h.app.sql.query<{ id: string; payload: string }>(
    'SELECT id::text AS id, payload FROM outbox ORDER BY id',
  );
  return rows.map((row) => ({ id: BigInt(row.id), event: decodeEvent(row.payload) }));
}

for (const backend of backends()) {
  describe(`counters through the log (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    it('apply once however often, and however concurrently, an event is delivered', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const posted = await h.call('POST', '/api/v1/tweets', {
        token: alice.token,
        body: { text: 'count me' },
      });
      await h.call('POST', '/api/v1/tweets', {
        token: bob.token,
        body: { text: 'reply', reply_to_id: posted.body.id },
      });
      await h.call('POST', `/api/v1/tweets/${posted.body.id}/retweet`, { token: bob.token });
      await h.call('PUT', `/api/v1/tweets/${posted.body.id}/like`, { token: bob.token });
      await h.call('PUT', '/api/v1/accounts/alice/follow', { token: bob.token });

      const counters = createCounterService({
        tweets: new SqlTweetStore(h.app.sql),
        counters: new SqlCounterStore(h.app.sql, { threshold: 1_000, margin: 100 }),
        // As the app's workers do: counters go to the cache once committed, or cached reads would not see them.
        engagementCache: h.app.engagementCache,
      });
      const events = await pendingEvents();
      expect(events.map((e) => e.event.type)).toEqual([
        'tweet.created',
        'tweet.created',
        'tweet.created',
        'tweet.liked',
        'follow.created',
      ]);
      // Every event delivered five times at once, alone and in whole batches, then the workers deliver them again.
      await Promise.all([
        ...events.flatMap((e) => Array.from({ length: 5 }, () => counters.apply([e]))),
        ...Array.from({ length: 5 }, () => counters.apply(events)),
      ]);
      await h.drain();

      const tweet = await h.call('GET', `/api/v1/tweets/${posted.body.id}`);
      expect(tweet.body).toMatchObject({ like_count: 1, retweet_count: 1, reply_count: 1 });
      expect((await h.call('GET', '/api/v1/accounts/alice')).body.tweets_count).toBe(1);
      expect((await h.call('GET', '/api/v1/accounts/alice')).body.followers_count).toBe(1);
      expect((await h.call('GET', '/api/v1/accounts/bob')).body).toMatchObject({
        tweets_count: 2,
        following_count: 1,
      });
    });
  });
}
