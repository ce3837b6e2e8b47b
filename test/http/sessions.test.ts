import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySessionRevocations } from '../../src/adapters/memory/memory-session-revocations.js';
import { type App, createApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import type { SessionRevocations } from '../../src/ports/session-revocations.js';
import { SESSION_MEMORY_MS } from '../../src/services/accounts.js';
import { me, registerApp, revoke, signUpThrough } from '../support/apps.js';
import { TestClock } from '../support/clock.js';
import { resetDatabase, sharedPglite } from '../support/database.js';
import { type Harness, harnessFor, startHarness, testConfig } from '../support/harness.js';

/** Sessions as OAuth tokens: revocation everywhere, a lifetime, streams that end with them, budgets for bad tokens. */
describe('sessions', () => {
  const apps: App[] = [];
  let h: Harness | undefined;
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await h?.close();
    h = undefined;
  });

  /** Two api processes on one database; `revocations` shared is what Redis pub/sub gives them in services mode. */
  async function twoApis(revocations?: SessionRevocations, overrides: Partial<Config> = {}) {
    const sql = await sharedPglite();
    await resetDatabase(sql);
    const clock = new TestClock();
    const open = async () => {
      const app = await createApp(testConfig(overrides), {
        role: 'api',
        sql,
        clock,
        logger: false,
        ...(revocations ? { revocations } : {}),
      });
      apps.push(app);
      return harnessFor(app, clock);
    };
    return { a: await open(), b: await open(), clock };
  }

  it('refuse a revoked token in every process at once when they hear of it', async () => {
    const { a, b } = await twoApis(new MemorySessionRevocations());
    const app = await registerApp(a);
    const alice = await signUpThrough(a, app, 'alice');
    expect((await me(b, alice.token)).status).toBe(200); // b now remembers the session
    expect((await revoke(a, app, alice.token)).status).toBe(200);
    expect((await me(a, alice.token)).status).toBe(401);
    expect((await me(b, alice.token)).status).toBe(401);
  });

  it('refuse it elsewhere within the session memory even when the message is lost', async () => {
    const { a, b, clock } = await twoApis();
    const app = await registerApp(a);
    const alice = await signUpThrough(a, app, 'alice');
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

  it('end a session after its lifetime', async () => {
    const { a, clock } = await twoApis(undefined, { sessionLifetimeDays: 1 });
    const alice = await signUpThrough(a, await registerApp(a), 'alice');
    clock.advance(86_400_000 - SESSION_MEMORY_MS - 1);
    expect((await me(a, alice.token)).status).toBe(200);
    clock.advance(SESSION_MEMORY_MS + 2);
    expect((await me(a, alice.token)).status).toBe(401);
  });

  it('close the revoked session’s open streams in another process, and cap an account’s streams', async () => {
    const { a, b } = await twoApis(new MemorySessionRevocations(), { streamsPerAccount: 2 });
    const app = await registerApp(a);
    const alice = await signUpThrough(a, app, 'alice');
    await b.app.http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = b.app.http.server.address() as AddressInfo;
    const stream = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/streaming/user`, {
        headers: { authorization: `Bearer ${alice.token}` },
      });
      return response;
    };
    const first = await stream();
    const second = await stream();
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await stream();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    const reader = first.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    await reader.read(); // the stream's first comment: it is open
    expect((await revoke(a, app, alice.token)).status).toBe(200);
    // The stream ends: reading it to the end resolves only because the server closed it.
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
    await second.body?.cancel();
  });

  it('refuse unknown tokens from an address that sent too many, without looking them up', async () => {
    h = await startHarness({
      rateLimits: {
        requests: { max: 1_000, windowMs: 300_000 },
        posts: { max: 1_000, windowMs: 300_000 },
        follows: { max: 1_000, windowMs: 300_000 },
        logins: { max: 1_000, windowMs: 300_000 },
        signUps: { max: 1_000, windowMs: 300_000 },
        failedTokens: { max: 3, windowMs: 300_000 },
      },
    });
    const alice = await h.signUp('alice');
    const guess = (n: number) =>
      h?.call('GET', '/api/v1/timelines/home', { token: `guessed-token-${n}xxxxxxxx` });
    for (let n = 0; n < 3; n++) expect((await guess(n))?.status).toBe(401);
    const refused = await guess(3);
    expect(refused?.status).toBe(429);
    expect(refused?.body.code).toBe('rate_limited');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    // A session this process already knows is no lookup, and is served.
    expect((await h.call('GET', '/api/v1/timelines/home', { token: alice.token })).status).toBe(200);
  });
});
