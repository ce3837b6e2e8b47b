import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { SESSION_MEMORY_MS } from '../../src/services/accounts.js';
import { TestClock } from '../support/clock.js';
import { resetDatabase, sharedPglite } from '../support/database.js';
import { type Harness, harnessFor, testConfig } from '../support/harness.js';

describe('sessions across api processes', () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const h of harnesses) await h.close();
  });

  it('refuse an ended session at once where it ended, and elsewhere once the process stops remembering it', async () => {
    const sql = await sharedPglite();
    await resetDatabase(sql);
    const clock = new TestClock();
    for (let i = 0; i < 2; i++) {
      harnesses.push(
        harnessFor(await createApp(testConfig(), { role: 'api', sql, clock, logger: false }), clock),
      );
    }
    const [a, b] = harnesses as [Harness, Harness];
    const alice = await a.signUp('alice');
    const me = (h: Harness) => h.call('GET', '/api/v1/accounts/me', { token: alice.token });
    expect((await me(a)).status).toBe(200);
    expect((await me(b)).status).toBe(200);

    expect((await a.call('DELETE', '/api/v1/sessions/current', { token: alice.token })).status).toBe(204);
    expect((await me(a)).status).toBe(401);
    clock.advance(SESSION_MEMORY_MS - 1);
    expect((await me(b)).status).toBe(200);
    clock.advance(2);
    expect((await me(b)).status).toBe(401);
    expect((await me(b)).body.error.code).toBe('unauthorized');
  });
});
