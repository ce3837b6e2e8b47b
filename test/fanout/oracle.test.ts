import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';

/**
 * The timeline oracle: for any sequence of operations (posts, retweets and their undoing, deletes, follows and
 * unfollows that move authors across the celebrity threshold, cache flushes, time passing), what a reader is served —
 * read page by page through the API, with pushed timelines, celebrity merges, rebuilds, flushes and expiry in play —
 * equals the pull model computed from the database. In services mode there are two api processes sharing the servers;
 * each operation goes through one of them, and every reader is read through both as soon as the workers have
 * drained, with no time allowed to pass: no process holds anything that needs time to catch up, even while an author
 * crosses the threshold.
 */
const USERS = 5;
const THRESHOLD = 3;
const ACTIVE_DAYS = 2;
const DAY_MS = 86_400_000;

type Op =
  | { kind: 'post'; user: number }
  | { kind: 'delete'; user: number; nth: number }
  | { kind: 'retweet'; user: number; nth: number }
  | { kind: 'unretweet'; user: number; nth: number }
  | { kind: 'follow'; user: number; target: number }
  | { kind: 'unfollow'; user: number; target: number }
  | { kind: 'read'; user: number }
  | { kind: 'flush' }
  | { kind: 'tick' }
  | { kind: 'idle' };

const user = fc.integer({ min: 0, max: USERS - 1 });
/** Follows cluster on two accounts, so they cross the celebrity threshold up and down often. */
const target = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: user });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: user.map((u) => ({ kind: 'post' as const, user: u })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), user, nth: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retweet' as const), user, nth: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unretweet' as const), user, nth: fc.nat(3) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('follow' as const), user, target }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('unfollow' as const), user, target }) },
  { weight: 2, arbitrary: user.map((u) => ({ kind: 'read' as const, user: u })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'idle' as const }) },
);

let h: Harness;
/** The api processes: `h` alone in embedded mode, `h` and another in services mode. */
let apis: Harness[];
let users: User[];
let posted = 0;

async function apply(step: Op, readers: Set<number>) {
  const actorIndex = step.kind === 'flush' || step.kind === 'idle' || step.kind === 'tick' ? 0 : step.user;
  const actor = users[actorIndex] as User;
  // Each user's requests go to one process; users alternate between them.
  const api = apis[actorIndex % apis.length] as Harness;
  switch (step.kind) {
    case 'post':
      expect(
        (await api.call('POST', '/api/v1/tweets', { token: actor.token, body: { text: `#${posted++}` } }))
          .status,
      ).toBe(201);
      return;
    case 'delete': {
      const own = await h.app.sql.query<{ id: string }>(
        `SELECT id::text FROM tweets WHERE author_id = $1::bigint AND status = 'ACTIVE' ORDER BY id DESC`,
        [actor.id],
      );
      const victim = own[step.nth % Math.max(own.length, 1)];
      if (victim) await api.call('DELETE', `/api/v1/tweets/${victim.id}`, { token: actor.token });
      return;
    }
    case 'retweet': {
      // Any live original, anyone's (the actor's own included); retweeting one already retweeted is a no-op.
      const originals = await h.app.sql.query<{ id: string }>(
        `SELECT id::text FROM tweets WHERE retweet_of_id IS NULL AND status = 'ACTIVE' ORDER BY id DESC`,
      );
      const original = originals[step.nth % Math.max(originals.length, 1)];
      if (!original) return;
      const reply = await api.call('POST', `/api/v1/tweets/${original.id}/retweet`, { token: actor.token });
      expect([200, 201]).toContain(reply.status);
      return;
    }
    case 'unretweet': {
      const retweeted = await h.app.sql.query<{ id: string }>(
        `SELECT retweet_of_id::text AS id FROM tweets
          WHERE author_id = $1::bigint AND retweet_of_id IS NOT NULL AND status = 'ACTIVE' ORDER BY id DESC`,
        [actor.id],
      );
      const original = retweeted[step.nth % Math.max(retweeted.length, 1)];
      if (!original) return;
      expect(
        (await api.call('DELETE', `/api/v1/tweets/${original.id}/retweet`, { token: actor.token })).status,
      ).toBe(204);
      return;
    }
    case 'follow':
    case 'unfollow': {
      if (step.user === step.target) return;
      const target = users[step.target] as User;
      const method = step.kind === 'follow' ? 'PUT' : 'DELETE';
      expect(
        (await api.call(method, `/api/v1/accounts/${target.handle}/follow`, { token: actor.token })).status,
      ).toBe(200);
      return;
    }
    case 'read':
      readers.add(step.user);
      return;
    case 'flush':
      await h.app.cache.clear();
      await h.app.celebrityLists.clear();
      return;
    case 'tick':
      // A minute passes: timelines stay (nothing served may depend on time having passed).
      h.clock.advance(60_000);
      return;
    case 'idle':
      // Everyone's cached timeline expires; readers come back to a rebuild.
      h.clock.advance((ACTIVE_DAYS + 1) * DAY_MS);
      return;
  }
}

/**
 * The pull model: the reader's and their followees' live tweets and retweets (those whose original is live), newest
 * first, straight from the database.
 */
async function truth(reader: User): Promise<string[]> {
  const rows = await h.app.sql.query<{ id: string }>(
    `SELECT t.id::text FROM tweets t LEFT JOIN tweets o ON o.id = t.retweet_of_id
      WHERE t.status = 'ACTIVE' AND (t.retweet_of_id IS NULL OR o.status = 'ACTIVE')
        AND (t.author_id = $1::bigint OR t.author_id IN (SELECT followee_id FROM follows WHERE follower_id = $1::bigint))
      ORDER BY t.id DESC`,
    [reader.id],
  );
  return rows.map((r) => r.id);
}

async function served(reader: User, api: Harness = h): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
    const page = await api.call('GET', `/api/v1/timelines/home${query}`, { token: reader.token });
    expect(page.status).toBe(200);
    ids.push(...page.body.tweets.map((t: { id: string }) => t.id));
    cursor = page.body.next_cursor;
  } while (cursor);
  return ids;
}

for (const backend of backends()) {
  describe(`timeline oracle (${backend.name})`, () => {
    beforeAll(async () => {
      h = await startHarness(
        { celebrityThreshold: THRESHOLD, activeDays: ACTIVE_DAYS, timelineMax: 10 },
        undefined,
        backend,
      );
      apis = backend.name === 'services' ? [h, await h.anotherApi()] : [h];
    });
    afterAll(() => h.close());

    it('serves every reader exactly the pull-model timeline after every step', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
          await h.app.sql.exec(
            'TRUNCATE accounts, sessions, tweets, tweet_mentions, tweet_hashtags, follows, likes, outbox CASCADE',
          );
          await h.app.cache.clear();
          await h.app.celebrityLists.clear();
          users = [];
          for (let i = 0; i < USERS; i++) users.push(await h.signUp(`u${i}`));
          const readers = new Set<number>();
          for (const step of ops) {
            await apply(step, readers);
            await h.drain();
            for (const index of readers) {
              const reader = users[index] as User;
              const expected = await truth(reader);
              for (const [n, api] of apis.entries()) {
                expect(
                  await served(reader, api),
                  `reader u${index} on api ${n} after ${JSON.stringify(step)}`,
                ).toEqual(expected);
              }
            }
          }
          // Readers who never read come back to a rebuild that is just as right.
          for (const reader of users) {
            for (const api of apis) expect(await served(reader, api)).toEqual(await truth(reader));
          }
        }),
        { numRuns: backend.name === 'services' ? 100 : 200 },
      );
    }, 300_000);
  });
}
