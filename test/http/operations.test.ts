import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../src/adapters/memory/memory-event-log.js';
import { createApp } from '../../src/app.js';
import { createHttpServer, type HttpServices } from '../../src/http/server.js';
import type { EventLog } from '../../src/ports/event-log.js';
import { TestClock } from '../support/clock.js';
import { resetDatabase, sharedPglite } from '../support/database.js';
import { type Harness, harnessFor, testConfig } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Prometheus text as a map from series to value. */
function series(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('operations routes', () => {
  it('/readyz names the dependency that failed and nothing about it: no address, no driver message', async () => {
    const server = createHttpServer({
      services: {} as HttpServices,
      logger: false,
      operationsOnly: true,
      readiness: [
        { name: 'database', check: async () => undefined },
        {
          name: 'redis',
          check: () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:6379')),
        },
        { name: 'nats', check: () => new Promise<void>(() => undefined) }, // never answers
      ],
    });
    const reply = await server.inject({ method: 'GET', url: '/readyz' });
    expect(reply.statusCode).toBe(503);
    expect(reply.json()).toEqual({
      status: 'unavailable',
      failed: ['redis', 'nats'],
      checks: { database: 'ok', redis: 'failed', nats: 'failed' },
    });
    expect(reply.body).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|6379/);
    await server.close();
  });

  it('with a metrics port, an api serves /metrics and /readyz there and not on the public port', async () => {
    const sql = await sharedPglite();
    await resetDatabase(sql);
    const clock = new TestClock();
    const app = await createApp(testConfig({ metricsPort: 0 }), { role: 'api', sql, clock, logger: false });
    h = harnessFor(app, clock);
    expect((await app.http.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    expect((await app.http.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(404);
    expect((await app.http.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ops = app.ops;
    expect(ops).toBeDefined();
    expect((await ops?.inject({ method: 'GET', url: '/readyz' }))?.statusCode).toBe(200);
    const metrics = await ops?.inject({ method: 'GET', url: '/metrics' });
    expect(metrics?.statusCode).toBe(200);
    expect(metrics?.body).toContain('starling_http_requests_total');
    // The API itself is only on the public port.
    expect((await ops?.inject({ method: 'GET', url: '/api/v1/timelines/home' }))?.statusCode).toBe(404);
  });

  it('a scrape answers while the log never does, serving the last values and saying how old they are', async () => {
    const clock = new TestClock();
    const inner = new MemoryEventLog(clock);
    const state = { hung: false };
    const never = new Promise<number>(() => undefined);
    const log: EventLog = {
      durable: false,
      ackWaitMs: inner.ackWaitMs,
      publish: (events) => inner.publish(events),
      fetch: (stream, max, waitMs) => inner.fetch(stream, max, waitMs),
      pending: (stream) => (state.hung ? never : inner.pending(stream)),
      deadLettered: () => (state.hung ? never : inner.deadLettered()),
      close: () => inner.close(),
    };
    const sql = await sharedPglite();
    await resetDatabase(sql);
    const app = await createApp(testConfig(), { role: 'all', sql, clock, log, logger: false });
    h = harnessFor(app, clock);
    // One event on the log that nobody has applied.
    await inner.publish([{ id: '1', stream: 'fanout', event: { type: 'author.demoted', authorId: 1n } }]);
    const scrape = async () => series(String((await h?.call('GET', '/metrics'))?.body));
    let m = await scrape();
    expect(m.get('starling_log_consumer_pending{stream="fanout"}')).toBe(1);
    expect(m.get('starling_worker_gauge_age_seconds{source="log"}')).toBe(0);

    state.hung = true;
    m = await scrape();
    expect(m.get('starling_log_consumer_pending{stream="fanout"}')).toBe(1);
    expect(m.get('starling_worker_gauge_age_seconds{source="log"}')).toBeGreaterThan(0);
    expect(m.get('starling_worker_gauge_age_seconds{source="outbox"}')).toBe(0);
  });
});
