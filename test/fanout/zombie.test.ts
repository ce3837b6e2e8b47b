import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../src/adapters/memory/memory-event-log.js';
import { type App, createApp } from '../../src/app.js';
import type { EventLog } from '../../src/ports/event-log.js';
import type { TimelineCache } from '../../src/ports/timeline-cache.js';
import {
  type Backend,
  backends,
  type Harness,
  startHarness,
  testConfig,
  type User,
} from '../support/harness.js';

/**
 * A zombie worker: it checked the truth, then stalled (a paused process) before writing; meanwhile its event was
 * redelivered to another worker, applied, and undone (the tweet deleted, the follow removed). When it resumes, its
 * late write must leave nothing behind in the cached timelines — no resurrected tweet, no duplicate — not merely be
 * hidden by the read path's filter.
 */
let h: Harness;
let current: Backend;
const running: App[] = [];
afterEach(async () => {
  for (const app of running.splice(0)) await app.close();
  await h.close();
});

/** Long enough that no heartbeat of the stalled worker fires during the test: the test moves the log's clock. */
const ACK_WAIT_MS = 600_000;

/** The cache, with the first call of `method` held until the test releases it; closing it is the harness's job. */
function gated(cache: TimelineCache, method: 'insert' | 'merge') {
  let release: () => void = () => undefined;
  let entered: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let armed = true;
  const wrapper: TimelineCache = Object.create(cache);
  wrapper.close = async () => undefined;
  wrapper[method] = (async (...args: never[]) => {
    if (armed) {
      armed = false;
      entered();
      await released;
    }
    return (cache[method] as (...a: never[]) => Promise<unknown>).apply(cache, args);
  }) as never;
  return { cache: wrapper, reached, release };
}

/** A fanout process of its own over the shared database, cache and log. */
async function fanoutProcess(cache: TimelineCache, log: EventLog): Promise<App> {
  const app = await createApp(testConfig(), {
    role: 'fanout',
    sql: h.app.sql,
    clock: h.clock,
    cache,
    celebrityLists: Object.assign(Object.create(h.app.celebrityLists), { close: async () => undefined }),
    log,
    logger: false,
  });
  running.push(app);
  return app;
}

const cached = async (user: User) =>
  ((await h.app.cache.read(BigInt(user.id), { limit: 100 }))?.entries ?? []).map((e) => e.tweetId.toString());

for (const backend of backends()) {
  describe(`a zombie worker (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    async function setUp(method: 'insert' | 'merge') {
      h = await startHarness({}, undefined, current);
      const log = new MemoryEventLog(h.clock, {
        maxDeliver: 5,
        backoffMs: [0],
        ackWaitMs: ACK_WAIT_MS,
        duplicateWindowMs: 60_000,
      });
      const shared: EventLog = Object.assign(Object.create(log), { close: async () => undefined });
      const gate = gated(h.app.cache, method);
      const zombie = await fanoutProcess(gate.cache, shared);
      const healthy = await fanoutProcess(
        Object.assign(Object.create(h.app.cache), { close: async () => undefined }),
        shared,
      );
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      return { gate, zombie, healthy, alice, bob };
    }

    it('resumed after its tweet was redelivered, applied and deleted: the tweet is in no cached timeline', async () => {
      const { gate, zombie, healthy, alice, bob } = await setUp('insert');
      await h.call('POST', `/api/v1/accounts/${alice.id}/follow`, { token: bob.token });
      await h.call('GET', '/api/v1/timelines/home', { token: bob.token }); // bob has a cached timeline
      await healthy.workers.drain();
      const kept = (
        await h.call('POST', '/api/v1/statuses', { token: alice.token, body: { status: 'kept' } })
      ).body.id;
      await healthy.workers.drain();
      const doomed = (
        await h.call('POST', '/api/v1/statuses', { token: alice.token, body: { status: 'doomed' } })
      ).body.id;

      // The zombie takes the event, finds the tweet live, and stalls writing it.
      const stalled = zombie.workers.step();
      await gate.reached;
      // Its ack wait passes; the healthy worker gets the event and applies it, then the deletion.
      h.clock.advance(ACK_WAIT_MS + 1);
      await healthy.workers.drain();
      expect(await cached(bob)).toEqual([doomed, kept]);
      expect((await h.call('DELETE', `/api/v1/statuses/${doomed}`, { token: alice.token })).status).toBe(200);
      await healthy.workers.drain();
      expect(await cached(bob)).toEqual([kept]);

      // The zombie resumes: its late writes leave the cache as the truth says, each tweet once.
      gate.release();
      await stalled;
      await healthy.workers.drain();
      expect(await cached(bob)).toEqual([kept]);
      expect(await cached(alice)).not.toContain(doomed);
    });

    it('resumed after its follow was redelivered, applied and undone: none of the followee is cached', async () => {
      const { gate, zombie, healthy, alice, bob } = await setUp('merge');
      const old = (await h.call('POST', '/api/v1/statuses', { token: alice.token, body: { status: 'old' } }))
        .body.id;
      await h.call('GET', '/api/v1/timelines/home', { token: bob.token });
      await healthy.workers.drain();
      await h.call('POST', `/api/v1/accounts/${alice.id}/follow`, { token: bob.token });

      const stalled = zombie.workers.step(); // checks the follow, reads alice's tweets, stalls merging them
      await gate.reached;
      h.clock.advance(ACK_WAIT_MS + 1);
      await healthy.workers.drain();
      expect(await cached(bob)).toEqual([old]);
      await h.call('POST', `/api/v1/accounts/${alice.id}/unfollow`, { token: bob.token });
      await healthy.workers.drain();
      expect(await cached(bob)).toEqual([]);

      gate.release();
      await stalled;
      await healthy.workers.drain();
      expect(await cached(bob)).toEqual([]);
    });
  });
}
