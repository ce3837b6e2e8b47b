import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { SESSION_MEMORY_MS } from '../../src/services/accounts.js';
import { me, registerApp, revoke, signUpThrough } from '../support/apps.js';
import { TestClock } from '../support/clock.js';
import { resetDatabase, sharedPglite } from '../support/database.js';
import { type Harness, harnessFor, testConfig } from '../support/harness.js';

describe('tokens across api processes', () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const h of harnesses) await h.close();
  });

  it('refuse a revoked token at once where it was revoked, and elsewhere once the process stops remembering it', async () => {
    const sql = await sharedPglite();
    await resetDatabase(sql);
    const clock = new TestClock();
    for (let i = 0; i < 2; i++) {
      harnesses.push(
        harnessFor(await createApp(testConfig(), { role: 'api', sql, clock, logger: false }), clock),
      );
    }
    const [a, b] = harnesses as [Harness, Harness];
    const app = await registerApp(a);
    const alice = await signUpThrough(a, app, 'alice');
    expect((await me(a, alice.token)).status).toBe(200);
    expect((await me(b, alice.token)).status).toBe(200);

    expect((await revoke(a, app, alice.token)).status).toBe(200);
    expect((await me(a, alice.token)).status).toBe(401);
    clock.advance(SESSION_MEMORY_MS - 1);
    expect((await me(b, alice.token)).status).toBe(200);
    clock.advance(2);
    const after = await me(b, alice.token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('unauthorized');
    // Revoking again, from either process, is no error (RFC 7009) and changes nothing.
    expect((await revoke(b, app, alice.token)).status).toBe(200);
  });
});
