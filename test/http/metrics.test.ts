import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../src/adapters/memory/memory-event-log.js';
import { createApp } from '../../src/app.js';
import type { EventLog } from '../../src/ports/event-log.js';
import { follow, home as homeOf, post } from '../support/client-api.js';
import { TestClock } from '../support/clock.js';
import { resetDatabase, sharedPglite } from '../support/database.js';
import { type Harness, harnessFor, startHarness, testConfig, type User } from '../support/harness.js';

let h: Harness;
afterEach(() => h.close());

/** An in-process log that can be made unreachable, as a stopped NATS would be. */
function breakableLog(clock: TestClock) {
  const inner = new MemoryEventLog(clock);
  const state = { down: false };
  const log: EventLog = {
    durable: false,
    ackWaitMs: inner.ackWaitMs,
    publish: (events) =>
      state.down ? Promise.reject(new Error('connect ECONNREFUSED')) : inner.publish(events),
    fetch: (stream, max, waitMs) => inner.fetch(stream, max, waitMs),
    pending: (stream) => inner.pending(stream),
    deadLettered: () => inner.deadLettered(),
    close: () => inner.close(),
  };
  return { log, state };
}

async function scrape(): Promise<Map<string, number>> {
  const reply = await h.call('GET', '/metrics');
  expect(reply.status).toBe(200);
  const values = new Map<string, number>();
  for (const line of String(reply.body).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('/metrics', () => {
  it("moves as the design's monitoring table says", async () => {
    const clock = new TestClock();
    const { log, state } = breakableLog(clock);
    const sql = await sharedPglite();
    await resetDatabase(sql);
    const app = await createApp(testConfig(), { role: 'all', sql, clock, log, logger: false });
    h = harnessFor(app, clock);
    const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
    expect((await follow(h, bob, alice)).status).toBe(200);
    const home = (user: User) => homeOf(h, user, '?limit=40');

    await home(bob); // first read: a miss, rebuilt
    await home(bob); // then hits
    await home(bob);
    let m = await scrape();
    expect(m.get('starling_timeline_cache_misses_total')).toBe(1);
    expect(m.get('starling_timeline_cache_hits_total')).toBe(2);
    expect(m.get('starling_timeline_read_duration_seconds_count{source="miss"}')).toBe(1);
    expect(m.get('starling_timeline_read_duration_seconds_count{source="hit"}')).toBe(2);

    for (let i = 0; i < 3; i++) await post(h, alice, `t${i}`);
    m = await scrape();
    expect(m.get('starling_tweet_write_duration_seconds_count')).toBe(3);
    expect(m.get('starling_outbox_backlog')).toBe(4); // the follow and three tweets
    await h.app.workers.drain();
    m = await scrape();
    expect(m.get('starling_fanout_lag_seconds_count{stream="fanout"}')).toBe(3);
    expect(m.get('starling_log_consumer_pending{stream="fanout"}')).toBe(0);
    expect(m.get('starling_outbox_backlog')).toBe(0);
    // Only bob has a cached timeline (alice never read hers), so each tweet is one insert.
    expect(m.get('starling_timeline_inserts_total')).toBe(3);

    // The log goes away: posts still succeed, and their events wait in the outbox until it is back.
    state.down = true;
    for (let i = 0; i < 5; i++) await post(h, alice, `offline ${i}`);
    await expect(h.app.workers.drain()).rejects.toThrow(/ECONNREFUSED/);
    expect((await scrape()).get('starling_outbox_backlog')).toBe(5);
    state.down = false;
    await h.app.workers.drain();
    m = await scrape();
    expect(m.get('starling_outbox_backlog')).toBe(0);
    expect(m.get('starling_fanout_lag_seconds_count{stream="fanout"}')).toBe(8);
    expect(m.get('starling_http_requests_total{route="/api/v1/statuses",method="POST",status="200"}')).toBe(
      8,
    );
    // Requests are counted by route template, never by the ids in their paths.
    expect(
      m.get(`starling_http_requests_total{route="/api/v1/accounts/:id/follow",method="POST",status="200"}`),
    ).toBe(1);
    expect([...m.keys()].some((name) => name.includes(alice.id))).toBe(false);
    expect((await home(bob)).body).toHaveLength(8);
  });
});

describe('a closed app', () => {
  it('lets go of its metrics, which the process-wide default collectors would otherwise keep alive with the app', async () => {
    h = await startHarness();
    await h.call('GET', '/healthz');
    expect((await h.app.metrics.registry.getMetricsAsJSON()).length).toBeGreaterThan(0);
    await h.app.close();
    expect(await h.app.metrics.registry.getMetricsAsJSON()).toEqual([]);
    h = await startHarness();
  });
});
