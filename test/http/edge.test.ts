import { compileErrors, validate } from '@readme/openapi-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { lookup, passwordGrant, registerApp } from '../support/apps.js';
import { follow, post } from '../support/client-api.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
afterEach(() => h.close());

type BudgetName = 'requests' | 'posts' | 'follows' | 'logins' | 'signUps' | 'failedTokens';
const budgets = (overrides: Partial<Record<BudgetName, string>> = {}) => {
  const parse = (text: string) => {
    const [max, window] = text.split('/');
    return { max: Number(max), windowMs: Number.parseInt(window ?? '1', 10) * 60_000 };
  };
  const names: BudgetName[] = ['requests', 'posts', 'follows', 'logins', 'signUps', 'failedTokens'];
  return Object.fromEntries(names.map((name) => [name, parse(overrides[name] ?? '1000/5m')])) as Record<
    BudgetName,
    { max: number; windowMs: number }
  >;
};

const postStatus = (token: string, status: string) =>
  h.call('POST', '/api/v1/statuses', { token, body: { status } });

describe('rate limits', () => {
  it('spends the posting budget per account and answers 429 with Retry-After and RateLimit headers', async () => {
    h = await startHarness({ rateLimits: budgets({ posts: '3/5m' }) });
    const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
    for (let i = 0; i < 3; i++) {
      const ok = await postStatus(alice.token, `t${i}`);
      expect(ok.status).toBe(200);
      expect(ok.headers['ratelimit-remaining']).toBe(String(2 - i));
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
    }
    const limited = await postStatus(alice.token, 'one too many');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(limited.body.error).toEqual(expect.any(String));
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-limit']).toBe('3');
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(Date.parse(String(limited.headers['x-ratelimit-reset']))).not.toBeNaN();
    // Boosting spends the same budget.
    const first = (await h.call('GET', `/api/v1/accounts/${alice.id}/statuses`)).body[0].id;
    expect((await h.call('POST', `/api/v1/statuses/${first}/reblog`, { token: alice.token })).status).toBe(
      429,
    );
    // Nothing was written by the refused requests, and other accounts and other calls are unaffected.
    expect((await h.call('GET', `/api/v1/accounts/${alice.id}/statuses`)).body).toHaveLength(3);
    expect((await postStatus(bob.token, 'mine')).status).toBe(200);
    expect((await h.call('GET', '/api/v1/timelines/home', { token: alice.token })).status).toBe(200);
  });

  it('limits sign-ins per IP, whatever handle is tried, through the token endpoint and the sign-in page', async () => {
    h = await startHarness({ rateLimits: budgets({ logins: '4/5m' }) });
    const app = await registerApp(h);
    // Signing up takes the harness's app token from the token endpoint: the first of the four.
    await h.signUp('carol');
    expect((await passwordGrant(h, app, 'carol', 'wrong password')).status).toBe(400);
    expect((await passwordGrant(h, app, 'someone', 'wrong password')).status).toBe(400);
    const page = await h.call('POST', '/oauth/authorize', {
      body: {
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: app.redirect_uris[0],
        scope: 'read',
        decision: 'approve',
        handle: 'carol',
        password: 'wrong password',
      },
    });
    expect(page.status).toBe(401);
    const limited = await passwordGrant(h, app, 'carol');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'slow_down', code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts per client behind a trusted proxy, and ignores X-Forwarded-For from anyone else', async () => {
    const attempt = (from: string) =>
      h.call('POST', '/oauth/token', {
        body: {
          grant_type: 'password',
          client_id: app.client_id,
          client_secret: app.client_secret,
          username: 'carol',
          password: 'wrong password',
        },
        headers: { 'x-forwarded-for': from },
      });
    h = await startHarness({ rateLimits: budgets({ logins: '2/5m' }), trustProxy: ['127.0.0.1'] });
    let app = await registerApp(h);
    expect((await attempt('198.51.100.1')).status).toBe(400);
    expect((await attempt('198.51.100.1')).status).toBe(400);
    expect((await attempt('198.51.100.1')).status).toBe(429);
    expect((await attempt('198.51.100.2')).status).toBe(400);
    await h.close();
    // Untrusted, the header is the client's own claim: a new address per request must not buy a new budget.
    h = await startHarness({ rateLimits: budgets({ logins: '2/5m' }) });
    app = await registerApp(h);
    expect((await attempt('198.51.100.3')).status).toBe(400);
    expect((await attempt('198.51.100.4')).status).toBe(400);
    expect((await attempt('198.51.100.5')).status).toBe(429);
  });

  it('limits sign-ups per IP', async () => {
    h = await startHarness({ rateLimits: budgets({ signUps: '2/5m' }) });
    await h.signUp('first');
    await h.signUp('second');
    await expect(h.signUp('third')).rejects.toThrow(/rate_limited/);
    expect((await lookup(h, 'third')).status).toBe(404);
  });

  it('limits follows per account, and all requests per caller: the account when signed in, else the IP', async () => {
    h = await startHarness({ rateLimits: budgets({ follows: '1/5m', requests: '8/5m' }) });
    const [dave, erin, fred] = [await h.signUp('dave'), await h.signUp('erin'), await h.signUp('fred')];
    expect((await follow(h, dave, erin)).status).toBe(200);
    const limited = await follow(h, dave, fred);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    let status = 200;
    for (let i = 0; i < 8 && status !== 429; i++) status = (await lookup(h, 'erin')).status;
    expect(status).toBe(429);
    // Dave's requests count against dave, not against the address he shares with the anonymous caller.
    expect((await lookup(h, 'erin', dave.token)).status).toBe(200);
  });
});

describe('resource limits and headers', () => {
  it('sends a large page with the length of its bytes, characters of every width intact', async () => {
    h = await startHarness();
    const alice = await h.signUp('alice');
    const text = (i: number) => `${i}: ünïcødé, 漢字, 🐦🐦 — ${'ñ'.repeat(150)}`;
    for (let i = 0; i < 40; i++) expect((await postStatus(alice.token, text(i))).status).toBe(200);
    const page = await h.call('GET', `/api/v1/accounts/${alice.id}/statuses?limit=40`, {
      token: alice.token,
    });
    expect(page.status).toBe(200);
    const raw = JSON.stringify(page.body);
    // Well past the size sent as bytes, and the header counts bytes, not characters.
    expect(raw.length).toBeGreaterThan(16 * 1024);
    expect(Number(page.headers['content-length'])).toBe(Buffer.byteLength(raw));
    expect(Number(page.headers['content-length'])).toBeGreaterThan(raw.length);
    expect(page.body.map((s: { content: string }) => s.content)).toEqual(
      Array.from({ length: 40 }, (_, i) => `<p>${text(39 - i)}</p>`),
    );
  });

  it('refuses a 1 MB body with 413 payload_too_large', async () => {
    h = await startHarness();
    const alice = await h.signUp('alice');
    const reply = await h.call('POST', '/api/v1/statuses', {
      token: alice.token,
      body: JSON.stringify({ status: 'x'.repeat(1_000_000) }),
    });
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe('payload_too_large');
    expect((await h.call('GET', `/api/v1/accounts/${alice.id}/statuses`)).body).toEqual([]);
  });

  it('sends security headers and a request id on every response', async () => {
    h = await startHarness();
    for (const url of ['/api/v1/accounts/lookup?acct=nobody', '/healthz', '/api/v2/instance']) {
      const reply = await h.call('GET', url, { headers: { 'x-request-id': 'trace-123' } });
      expect(reply.headers['x-request-id'], url).toBe('trace-123');
    }
    const reply = await lookup(h, 'nobody');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(reply.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed ids and bodies with 4xx, never 500', async () => {
    h = await startHarness();
    const alice = await h.signUp('alice');
    const id = await post(h, alice, 'hello');
    for (const [method, url, body] of [
      ['GET', '/api/v1/statuses/99999999999999999999999', undefined],
      ['GET', `/api/v1/timelines/home?max_id=not-an-id`, undefined],
      ['GET', `/api/v1/timelines/home?limit=0`, undefined],
      ['POST', '/api/v1/statuses', '{"status": '],
      ['POST', '/api/v1/statuses', { status: 'x', in_reply_to_id: 'abc' }],
      ['POST', '/api/v1/statuses', { status: 'x', visibility: 'everyone' }],
      ['POST', `/api/v1/statuses/${id}/reblog`, { visibility: 'nobody' }],
    ] as const) {
      const reply = await h.call(method, url, { token: alice.token, body });
      expect(reply.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(reply.status, `${method} ${url}`).toBeLessThan(500);
      expect(reply.body.code, `${method} ${url}`).toEqual(expect.any(String));
    }
  });
});

describe('OpenAPI document', () => {
  it('validates, and lists every API route with its error responses', async () => {
    h = await startHarness();
    const reply = await h.call('GET', '/api/v1/openapi.json');
    expect(reply.status).toBe(200);
    const document = reply.body;
    const result = await validate(structuredClone(document));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    const paths = Object.keys(document.paths);
    const routes = h.app.http.printRoutes({ commonPrefix: false });
    for (const path of [
      '/api/v1/apps',
      '/api/v1/accounts',
      '/api/v1/accounts/verify_credentials',
      '/api/v1/accounts/{id}/follow',
      '/api/v1/accounts/{id}/statuses',
      '/api/v1/statuses',
      '/api/v1/statuses/{id}',
      '/api/v1/statuses/{id}/context',
      '/api/v1/statuses/{id}/reblog',
      '/api/v1/statuses/{id}/favourite',
      '/api/v1/timelines/home',
      '/api/v1/notifications',
      '/api/v1/notifications/{id}',
      '/api/v1/notifications/{id}/dismiss',
      '/api/v1/notifications/clear',
      '/api/v1/notifications/unread_count',
      '/api/v1/markers',
      '/api/v2/notifications',
      '/api/v2/search',
      '/api/v2/instance',
    ]) {
      expect(paths).toContain(path);
    }
    for (const [path, operations] of Object.entries(
      document.paths as Record<
        string,
        Record<string, { responses: Record<string, unknown>; security?: unknown }>
      >,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        const codes = Object.keys(operation.responses);
        expect(
          codes.some((code) => code.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
        expect(
          codes.some((code) => code.startsWith('4')),
          `${method} ${path} lists its errors`,
        ).toBe(true);
      }
    }
    for (const path of ['/api/v1/timelines/home', '/api/v2/search']) {
      expect(document.paths[path].get.security, path).toEqual([{ bearer: [] }]);
    }
    expect(routes).toContain('openapi.json');
    expect((await h.call('GET', '/api/v1/docs/')).status).toBe(200);
  });
});

describe('route schemas', () => {
  it('all compile, though each is compiled only on the first request that needs it', async () => {
    h = await startHarness();
    await h.app.http.ready();
    expect(() => h.app.http.compileSchemas()).not.toThrow();
  });
});
