import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPages, catchUp, follow, post, unfollow } from '../support/client-api.js';
import { backends, type Harness, harnessFor, startHarness, type User } from '../support/harness.js';

/**
 * The timeline oracle: for any sequence of operations (posts, retweets and their undoing, deletes, follows and
 * unfollows that move authors across the celebrity threshold, cache flushes, time passing), what a reader is served —
 * read page by page through the API, down the `next` links and up the `prev` links, with pushed timelines, celebrity
 * merges, rebuilds, reads below the cached part, flushes and expiry in play — equals the pull model computed from the
 * database. Sequences run long enough (`size: 'medium'`) for accounts to become celebrities and post as ones. In
 * services mode there are two api processes sharing the servers; each operation goes through one of them, and every
 * reader is read through both as soon as the workers have drained, with no time allowed to pass: no process holds
 * anything that needs time to catch up, even while an author crosses the threshold.
 */
const USERS = 5;
const THRESHOLD = 3;
const ACTIVE_DAYS = 2;
const DAY_MS = 86_400_000;
/** Small, so that timelines outgrow their cached part and reads reach below it. */
const TIMELINE_MAX = 4;

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
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('follow' as const), user, target }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unfollow' as const), user, target }) },
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

/**
 * Every row gone between runs, while the app keeps running: identities are not restarted, since the relay and the
 * log's duplicate window remember outbox ids already passed on.
 */
async function emptyTables() {
  const tables = await h.app.sql.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
      WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
  );
  await h.app.sql.exec(`TRUNCATE ${tables.map((t) => t.name).join(', ')}`);
}

async function apply(step: Op, readers: Set<number>) {
  const actorIndex = step.kind === 'flush' || step.kind === 'idle' || step.kind === 'tick' ? 0 : step.user;
  const actor = users[actorIndex] as User;
  // Each user's requests go to one process; users alternate between them.
  const api = apis[actorIndex % apis.length] as Harness;
  switch (step.kind) {
    case 'post':
      await post(api, actor, `#${posted++}`);
      return;
    case 'delete': {
      const own = await h.app.sql.query<{ id: string; shown: boolean }>(
        `SELECT t.id::text, (o.id IS NULL OR o.status = 'ACTIVE') AS shown
           FROM tweets t LEFT JOIN tweets o ON o.id = t.retweet_of_id
          WHERE t.author_id = $1::bigint AND t.status = 'ACTIVE' ORDER BY t.id DESC`,
        [actor.id],
      );
      const victim = own[step.nth % Math.max(own.length, 1)];
      if (victim) {
        const reply = await api.call('DELETE', `/api/v1/statuses/${victim.id}`, { token: actor.token });
        // A boost of a deleted original is shown nowhere, so it is not found to delete either.
        expect(reply.status).toBe(victim.shown ? 200 : 404);
      }
      return;
    }
    case 'retweet': {
      // Any live original, anyone's (the actor's own included); retweeting one already retweeted is a no-op.
      const originals = await h.app.sql.query<{ id: string }>(
        `SELECT id::text FROM tweets WHERE retweet_of_id IS NULL AND status = 'ACTIVE' ORDER BY id DESC`,
      );
      const original = originals[step.nth % Math.max(originals.length, 1)];
      if (!original) return;
      const reply = await api.call('POST', `/api/v1/statuses/${original.id}/reblog`, { token: actor.token });
      expect(reply.status).toBe(200);
      return;
    }
    case 'unretweet': {
      const retweeted = await h.app.sql.query<{ id: string; original: string }>(
        `SELECT t.retweet_of_id::text AS id, o.status AS original FROM tweets t JOIN tweets o ON o.id = t.retweet_of_id
          WHERE t.author_id = $1::bigint AND t.status = 'ACTIVE' ORDER BY t.id DESC`,
        [actor.id],
      );
      const original = retweeted[step.nth % Math.max(retweeted.length, 1)];
      if (!original) return;
      const reply = await api.call('POST', `/api/v1/statuses/${original.id}/unreblog`, {
        token: actor.token,
      });
      // The answer is the original, so a deleted one is a 404 (the hidden boost is undone all the same).
      expect(reply.status).toBe(original.original === 'ACTIVE' ? 200 : 404);
      return;
    }
    case 'follow':
    case 'unfollow': {
      if (step.user === step.target) return;
      const target = users[step.target] as User;
      const reply = await (step.kind === 'follow' ? follow : unfollow)(api, actor, target);
      expect(reply.status).toBe(200);
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
      // A minute passes: short-lived caches (the celebrities each reader follows) expire, timelines stay.
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

/** The home timeline as a client reads it: page by page, following `rel="next"`, two at a time. */
async function served(reader: User, api: Harness = h): Promise<string[]> {
  return (await allPages(api, '/api/v1/timelines/home?limit=2', { token: reader.token })).ids;
}

/** The home timeline as a client catching up reads it: from the oldest, following `rel="prev"` (min_id). */
async function caughtUp(reader: User, api: Harness = h): Promise<string[]> {
  return (await catchUp(api, '/api/v1/timelines/home?limit=2&min_id=0', reader.token)).ids;
}

for (const backend of backends()) {
  describe(`timeline oracle (${backend.name})`, () => {
    beforeAll(async () => {
      h = await startHarness(
        { celebrityThreshold: THRESHOLD, activeDays: ACTIVE_DAYS, timelineMax: TIMELINE_MAX },
        undefined,
        backend,
      );
      apis = backend.name === 'services' ? [h, await h.anotherApi()] : [h];
    });
    afterAll(() => h.close());

    it('serves every reader exactly the pull-model timeline after every step', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40, size: 'medium' }), async (ops) => {
          await emptyTables();
          await h.app.cache.clear();
          await h.app.celebrityLists.clear();
          // The emptied database forgot the app that signs accounts up: a fresh client registers it again.
          const client = harnessFor(h.app, h.clock);
          users = [];
          for (let i = 0; i < USERS; i++) users.push(await client.signUp(`u${i}`));
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
          // Readers who never read come back to a rebuild that is just as right, whichever end they read from.
          for (const reader of users) {
            const expected = await truth(reader);
            for (const api of apis) {
              expect(await caughtUp(reader, api)).toEqual(expected);
              expect(await served(reader, api)).toEqual(expected);
            }
          }
        }),
        {
          numRuns: 100,
          examples: [
            // A follow merges the followee's newest (a timeline's worth) into a cached empty timeline: their older
            // tweets must still be read from below the floor, not taken as absent.
            [
              [
                { kind: 'post', user: 4 },
                { kind: 'post', user: 4 },
                { kind: 'post', user: 4 },
                { kind: 'read', user: 3 },
                { kind: 'retweet', user: 4, nth: 0 },
                { kind: 'retweet', user: 4, nth: 1 },
                { kind: 'follow', user: 3, target: 4 },
              ],
            ],
          ],
        },
      );
    }, 300_000);
  });
}
