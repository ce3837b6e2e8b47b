import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCounterStore } from '../../src/adapters/sql/counter-store.js';
import { decodeEvent } from '../../src/domain/events.js';
import { type CountedEvent, createCounterService } from '../../src/services/counters.js';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';

/**
 * Counters are exact whatever order two workers count events in: a deletion counted before its creation, an unfollow
 * before its follow, on another worker or at the same time, never drives a count below zero (the CHECK constraints
 * would refuse it and stall the batch), and once every event is counted each count equals what the rows say.
 */
let h: Harness;
const RULE = { threshold: 1_000, margin: 100 };

/** Two workers: each its own counter service over the one database, as two fanout processes would be. */
const workers = () =>
  [1, 2].map(() => createCounterService({ counters: new SqlCounterStore(h.app.sql, RULE) }));

async function pendingEvents(): Promise<CountedEvent[]> {
  const rows = await h.app.sql.query<{ id: string; payload: string }>(
    'SELECT id::text AS id, payload FROM outbox ORDER BY id',
  );
  return rows.map((row) => ({ id: BigInt(row.id), event: decodeEvent(row.payload) }));
}

const post = async (user: User, text: string, inReplyTo?: string): Promise<string | undefined> => {
  const reply = await h.call('POST', '/api/v1/statuses', {
    token: user.token,
    body: { status: text, ...(inReplyTo ? { in_reply_to_id: inReplyTo } : {}) },
  });
  return reply.status === 200 ? reply.body.id : undefined;
};
const remove = async (user: User, id: string) =>
  (await h.call('DELETE', `/api/v1/statuses/${id}`, { token: user.token })).status === 200;
const follow = (user: User, whom: User, on: boolean) =>
  h.call('POST', `/api/v1/accounts/${whom.id}/${on ? 'follow' : 'unfollow'}`, { token: user.token });
const like = (user: User, id: string, on: boolean) =>
  h.call('POST', `/api/v1/statuses/${id}/${on ? 'favourite' : 'unfavourite'}`, { token: user.token });

/** Every counter against the rows it counts; equal when the counters are exact. */
async function countsAndTruth() {
  const accounts = await h.app.sql.query<Record<string, number>>(
    `SELECT a.tweets_count, a.followers_count, a.following_count,
            (SELECT count(*)::int FROM tweets t WHERE t.author_id = a.id AND t.status <> 'DELETED') AS tweets,
            (SELECT count(*)::int FROM follows f WHERE f.followee_id = a.id) AS followers,
            (SELECT count(*)::int FROM follows f WHERE f.follower_id = a.id) AS following
       FROM accounts a ORDER BY a.id`,
  );
  const tweets = await h.app.sql.query<Record<string, number>>(
    `SELECT t.like_count, t.reply_count,
            (SELECT count(*)::int FROM likes l WHERE l.tweet_id = t.id) AS likes,
            (SELECT count(*)::int FROM tweets r WHERE r.reply_to_id = t.id AND r.status <> 'DELETED') AS replies
       FROM tweets t ORDER BY t.id`,
  );
  return {
    counts: [
      ...accounts.map((a) => [a.tweets_count, a.followers_count, a.following_count]),
      ...tweets.map((t) => [t.like_count, t.reply_count]),
    ],
    truth: [
      ...accounts.map((a) => [a.tweets, a.followers, a.following]),
      ...tweets.map((t) => [t.likes, t.replies]),
    ],
  };
}

for (const backend of backends()) {
  describe(`counters in any order (${backend.name})`, () => {
    beforeAll(async () => {
      h = await startHarness({}, undefined, backend);
    });
    afterAll(() => h.close());

    async function fresh() {
      await h.app.sql.exec(
        'TRUNCATE accounts, sessions, tweets, tweet_mentions, tweet_hashtags, follows, likes, outbox CASCADE',
      );
      return Promise.all(['alice', 'bob'].map((handle) => h.signUp(handle)));
    }

    const orders = [
      'each counted before the next write',
      'undos counted first, on the other worker',
      'creations counted after the undos were written',
    ] as const;
    for (const order of orders) {
      it(`post and delete, follow and unfollow, like and unlike on two workers: ${order}`, async () => {
        const [alice, bob] = (await fresh()) as [User, User];
        const [first, second] = workers() as [
          ReturnType<typeof createCounterService>,
          ReturnType<typeof createCounterService>,
        ];
        const isCreation = (e: CountedEvent) => /created|liked/.test(e.event.type);
        const kept = (await post(alice, 'kept')) as string;
        const doomed = (await post(alice, 'doomed')) as string;
        await follow(bob, alice, true);
        await like(bob, kept, true);
        if (order === 'each counted before the next write') await first.apply(await pendingEvents());
        await remove(alice, doomed);
        await follow(bob, alice, false);
        await like(bob, kept, false);
        const events = await pendingEvents();
        // Creations on the first worker, undos on the second; one worker finishes before the other starts.
        if (order === 'undos counted first, on the other worker') {
          await second.apply(events.filter((e) => !isCreation(e)));
          await first.apply(events.filter(isCreation));
        } else {
          await first.apply(events.filter(isCreation));
          await second.apply(events.filter((e) => !isCreation(e)));
        }
        const { counts, truth } = await countsAndTruth();
        expect(counts).toEqual(truth);
        // These workers tell no cache, so the counts are read where they are kept.
        const row = async (sql: string, id: string) =>
          (await h.app.sql.query<{ n: number }>(sql, [id]))[0]?.n;
        expect(await row('SELECT tweets_count AS n FROM accounts WHERE id = $1::bigint', alice.id)).toBe(1);
        expect(await row('SELECT followers_count AS n FROM accounts WHERE id = $1::bigint', alice.id)).toBe(
          0,
        );
        expect(await row('SELECT following_count AS n FROM accounts WHERE id = $1::bigint', bob.id)).toBe(0);
        expect(await row('SELECT like_count AS n FROM tweets WHERE id = $1::bigint', kept)).toBe(0);
      });
    }

    it('any sequence of writes, counted in any order split over two concurrent workers, ends exact', async () => {
      type Step = {
        kind: 'post' | 'reply' | 'delete' | 'follow' | 'unfollow' | 'like' | 'unlike';
        who: number;
      };
      const step = fc.record({
        kind: fc.constantFrom('post', 'reply', 'delete', 'follow', 'unfollow', 'like', 'unlike'),
        who: fc.nat(1),
      }) as fc.Arbitrary<Step>;
      let runsWithEvents = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 1, maxLength: 14 }),
          fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
          async (steps, shuffle) => {
            const users = (await fresh()) as [User, User];
            const live: string[] = [];
            for (const { kind, who } of steps) {
              const actor = users[who] as User;
              const other = users[1 - who] as User;
              const target = live.at(-1);
              if (kind === 'post' || (kind === 'reply' && target)) {
                const id = await post(actor, kind, kind === 'reply' ? target : undefined);
                if (id) live.push(id);
              } else if (kind === 'delete' && target) {
                if (await remove(actor, target)) live.pop();
              } else if (kind === 'follow' || kind === 'unfollow') {
                await follow(actor, other, kind === 'follow');
              } else if ((kind === 'like' || kind === 'unlike') && target) {
                await like(actor, target, kind === 'like');
              }
            }
            // The events in a random order, dealt to two workers that count at once, a few events at a time.
            const events = await pendingEvents();
            if (events.length > 0) runsWithEvents += 1;
            const order = events
              .map((event, i) => ({ event, key: shuffle[i % shuffle.length] ?? 0 }))
              .sort((a, b) => a.key - b.key)
              .map((e) => e.event);
            const [first, second] = workers() as [
              ReturnType<typeof createCounterService>,
              ReturnType<typeof createCounterService>,
            ];
            const dealt = [order.filter((_, i) => i % 2 === 0), order.filter((_, i) => i % 2 === 1)];
            await Promise.all(
              [first, second].map(async (worker, w) => {
                const mine = dealt[w] ?? [];
                for (let i = 0; i < mine.length; i += 2) await worker.apply(mine.slice(i, i + 2));
              }),
            );
            const { counts, truth } = await countsAndTruth();
            expect(counts).toEqual(truth);
          },
        ),
        { numRuns: 25 },
      );
      // The writes went through (a changed route would leave nothing to count, and prove nothing).
      expect(runsWithEvents).toBeGreaterThan(5);
    }, 120_000);
  });
}
