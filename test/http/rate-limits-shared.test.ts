import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { TestClock } from '../support/clock.js';
import { resetDatabase, sharedPglite } from '../support/database.js';
import { type Harness, harnessFor, testConfig } from '../support/harness.js';
import { needs, serverUrl } from '../support/servers.js';

const redisUrl = serverUrl('redis');

describe('rate limits shared through Redis', needs('redis'), () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const h of harnesses) await h.close();
  });

  it('hold across two api processes: the budget is spent wherever the requests land', async () => {
    const sql = await sharedPglite();
    await resetDatabase(sql);
    const clock = new TestClock();
    const config = testConfig({
      redisUrl: redisUrl as string,
      namespace: `rl${randomUUID().slice(0, 8)}`,
      rateLimits: {
        requests: { max: 1_000, windowMs: 300_000 },
        posts: { max: 3, windowMs: 300_000 },
        follows: { max: 1_000, windowMs: 300_000 },
        logins: { max: 1_000, windowMs: 300_000 },
        signUps: { max: 1_000, windowMs: 300_000 },
        failedTokens: { max: 1_000, windowMs: 300_000 },
      },
    });
    for (let i = 0; i < 2; i++) {
      harnesses.push(harnessFor(await createApp(config, { role: 'api', sql, clock, logger: false }), clock));
    }
    const [a, b] = harnesses as [Harness, Harness];
    const alice = await a.signUp('alice');
    const post = (h: Harness, status: string) =>
      h.call('POST', '/api/v1/statuses', { token: alice.token, body: { status } });
    expect((await post(a, 'one')).status).toBe(200);
    expect((await post(b, 'two')).status).toBe(200);
    expect((await post(a, 'three')).status).toBe(200);
    const limited = await post(b, 'four');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Only three were written, whichever process took them.
    const own = await a.call('GET', `/api/v1/accounts/${alice.id}/statuses`);
    expect(own.body).toHaveLength(3);
  });
});
