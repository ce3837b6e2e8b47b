import { compileErrors, validate } from '@readme/openapi-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
afterEach(() => h.close());

const budgets = (overrides: Partial<Record<'requests' | 'posts' | 'follows' | 'logins', string>> = {}) => {
  const parse = (text: string) => {
    const [max, window] = text.split('/');
    return { max: Number(max), windowMs: Number.parseInt(window ?? '1', 10) * 60_000 };
  };
  return {
    requests: parse(overrides.requests ?? '1000/5m'),
    posts: parse(overrides.posts ?? '1000/5m'),
    follows: parse(overrides.follows ?? '1000/5m'),
    logins: parse(overrides.logins ?? '1000/5m'),
  };
};

describe('rate limits', () => {
  it('spends the posting budget per account and answers 429 with Retry-After and RateLimit headers', async () => {
    h = await startHarness({ rateLimits: budgets({ posts: '3/5m' }) });
    const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
    for (let i = 0; i < 3; i++) {
      const ok = await h.call('POST', '/api/v1/tweets', { token: alice.token, body: { text: `t${i}` } });
      expect(ok.status).toBe(201);
      expect(ok.headers['ratelimit-remaining']).toBe(String(2 - i));
    }
    const limited = await h.call('POST', '/api/v1/tweets', {
      token: alice.token,
      body: { text: 'one too many' },
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-limit']).toBe('3');
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    // Nothing was written by the refused request, and other accounts and other calls are unaffected.
    expect((await h.call('GET', '/api/v1/accounts/alice/tweets')).body.tweets).toHaveLength(3);
    expect(
      (await h.call('POST', '/api/v1/tweets', { token: bob.token, body: { text: 'mine' } })).status,
    ).toBe(201);
    expect((await h.call('GET', '/api/v1/timelines/home', { token: alice.token })).status).toBe(200);
  });

  it('limits logins per IP, whatever handle is tried', async () => {
    h = await startHarness({ rateLimits: budgets({ logins: '2/5m' }) });
    await h.signUp('carol');
    const attempt = (handle: string) =>
      h.call('POST', '/api/v1/sessions', { body: { handle, password: 'wrong password' } });
    expect((await attempt('carol')).status).toBe(401);
    expect((await attempt('someone')).status).toBe(401);
    expect((await attempt('carol')).status).toBe(429);
  });

  it('counts per client behind a trusted proxy, and ignores X-Forwarded-For from anyone else', async () => {
    const attempt = (from: string) =>
      h.call('POST', '/api/v1/sessions', {
        body: { handle: 'carol', password: 'wrong password' },
        headers: { 'x-forwarded-for': from },
      });
    h = await startHarness({ rateLimits: budgets({ logins: '2/5m' }), trustProxy: '127.0.0.1' });
    expect((await attempt('198.51.100.1')).status).toBe(401);
    expect((await attempt('198.51.100.1')).status).toBe(401);
    expect((await attempt('198.51.100.1')).status).toBe(429);
    expect((await attempt('198.51.100.2')).status).toBe(401);
    await h.close();
    // Untrusted, the header is the client's own claim: a new address per request must not buy a new budget.
    h = await startHarness({ rateLimits: budgets({ logins: '2/5m' }) });
    expect((await attempt('198.51.100.3')).status).toBe(401);
    expect((await attempt('198.51.100.4')).status).toBe(401);
    expect((await attempt('198.51.100.5')).status).toBe(429);
  });

  it('limits follows per account, and all requests per IP', async () => {
    h = await startHarness({ rateLimits: budgets({ follows: '1/5m', requests: '8/5m' }) });
    const [dave] = [await h.signUp('dave'), await h.signUp('erin'), await h.signUp('fred')];
    expect((await h.call('PUT', '/api/v1/accounts/erin/follow', { token: dave.token })).status).toBe(200);
    expect((await h.call('PUT', '/api/v1/accounts/fred/follow', { token: dave.token })).status).toBe(429);
    let status = 200;
    for (let i = 0; i < 8 && status !== 429; i++)
      status = (await h.call('GET', '/api/v1/accounts/erin')).status;
    expect(status).toBe(429);
  });
});

describe('resource limits and headers', () => {
  it('refuses a 1 MB body with 413 payload_too_large', async () => {
    h = await startHarness();
    const alice = await h.signUp('alice');
    const reply = await h.call('POST', '/api/v1/tweets', {
      token: alice.token,
      body: JSON.stringify({ text: 'x'.repeat(1_000_000) }),
    });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('payload_too_large');
  });

  it('sends security headers and a request id on every response', async () => {
    h = await startHarness();
    for (const url of ['/api/v1/accounts/nobody', '/healthz']) {
      const reply = await h.call('GET', url, { headers: { 'x-request-id': 'trace-123' } });
      expect(reply.headers['x-request-id']).toBe('trace-123');
    }
    const reply = await h.call('GET', '/api/v1/accounts/nobody');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(reply.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
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
      '/api/v1/accounts',
      '/api/v1/tweets',
      '/api/v1/tweets/{id}',
      '/api/v1/timelines/home',
      '/api/v1/timelines/mentions',
      '/api/v1/tweets/{id}/retweet',
      '/api/v1/tweets/{id}/like',
      '/api/v1/tweets/{id}/replies',
      '/api/v1/search/tweets',
      '/api/v1/search/accounts',
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
    expect(document.paths['/api/v1/timelines/home'].get.security).toEqual([{ bearer: [] }]);
    expect(routes).toContain('openapi.json');
    expect((await h.call('GET', '/api/v1/docs/')).status).toBe(200);
  });
});
