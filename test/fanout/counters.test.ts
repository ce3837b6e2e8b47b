import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqlCounterStore } from '../../src/adapters/sql/counter-store.js';
import { decodeEvent } from '../../src/domain/events.js';
import { createCounterService } from '../../src/services/counters.js';
import { follow, post } from '../support/client-api.js';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

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
      const posted = await post(h, alice, 'count me');
      await post(h, bob, 'reply', { in_reply_to_id: posted });
      await h.call('POST', `/api/v1/statuses/${posted}/reblog`, { token: bob.token });
      await h.call('POST', `/api/v1/statuses/${posted}/favourite`, { token: bob.token });
      await follow(h, bob, alice);

      const counters = createCounterService({
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

      const status = await h.call('GET', `/api/v1/statuses/${posted}`);
      expect(status.body).toMatchObject({ favourites_count: 1, reblogs_count: 1, replies_count: 1 });
      const account = async (user: User) => (await h.call('GET', `/api/v1/accounts/${user.id}`)).body;
      expect(await account(alice)).toMatchObject({ statuses_count: 1, followers_count: 1 });
      expect(await account(bob)).toMatchObject({ statuses_count: 2, following_count: 1 });
    });
  });
}
