import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appToken, OUT_OF_BAND, PASSWORD, passwordGrant, type RegisteredApp } from '../support/apps.js';
import type { Harness, Reply, User } from '../support/harness.js';
import {
  expectToken,
  form,
  hiddenFields,
  html,
  multipart,
  PHONE_APP,
  pkce,
  type SignInFlow,
  startSignInWorld,
  WEB_APP,
} from '../support/oauth-flow.js';

/**
 * OAuth 2 as Mastodon clients meet it first: registering apps (JSON, form and multipart bodies), the sign-in page
 * (with PKCE), the metadata clients read before it, and CORS for browser clients on other origins. The token
 * endpoint, scopes and revocation: oauth-tokens.test.ts.
 */

let h: Harness;
let alice: User;
let app: RegisteredApp;
let flow: SignInFlow;

beforeAll(async () => {
  ({ h, alice, app, flow } = await startSignInWorld());
});
afterAll(() => h.close());

describe('registering apps', () => {
  const fields = (reply: Reply) => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({
      id: expect.stringMatching(/^[0-9]+$/),
      client_id: expect.stringMatching(/^\S{16,}$/),
      client_secret: expect.stringMatching(/^\S{16,}$/),
      client_secret_expires_at: 0,
      vapid_key: expect.any(String),
    });
    return reply.body;
  };

  it('takes JSON, form and multipart bodies, out-of-band and custom-scheme redirect URIs', async () => {
    const json = fields(
      await h.call('POST', '/api/v1/apps', {
        body: {
          client_name: 'Elk',
          redirect_uris: [WEB_APP, OUT_OF_BAND],
          scopes: 'read write',
          website: null,
        },
      }),
    );
    expect(json).toMatchObject({ name: 'Elk', website: null, scopes: ['read', 'write'] });
    expect(json.redirect_uris).toEqual([WEB_APP, OUT_OF_BAND]);
    expect(json.redirect_uri).toBe(`${WEB_APP}\n${OUT_OF_BAND}`);

    const tusky = fields(
      await h.call(
        'POST',
        '/api/v1/apps',
        form({
          client_name: 'Tusky',
          redirect_uris: 'oauth2redirect://com.keylesspalace.tusky/',
          scopes: 'read write follow push',
          website: 'https://tusky.app',
        }),
      ),
    );
    expect(tusky).toMatchObject({ name: 'Tusky', website: 'https://tusky.app' });
    expect(tusky.redirect_uris).toEqual(['oauth2redirect://com.keylesspalace.tusky/']);

    const ivory = fields(
      await h.call(
        'POST',
        '/api/v1/apps',
        await multipart({
          client_name: 'Ivory',
          redirect_uris: 'com.tapbots.Ivory.19300:/request_token',
          scopes: 'read write follow',
        }),
      ),
    );
    expect(ivory.redirect_uris).toEqual(['com.tapbots.Ivory.19300:/request_token']);
    // Without scopes an app gets Mastodon's default, read.
    const plain = fields(
      await h.call('POST', '/api/v1/apps', { body: { client_name: 'x', redirect_uris: OUT_OF_BAND } }),
    );
    expect(plain.scopes).toEqual(['read']);
    expect(new Set([json, tusky, ivory, plain].map((a) => a.client_id)).size).toBe(4);
  });

  it('refuses registrations that cannot work, with 400', async () => {
    for (const body of [
      { redirect_uris: OUT_OF_BAND },
      { client_name: '', redirect_uris: OUT_OF_BAND },
      { client_name: 'x' },
      { client_name: 'x', redirect_uris: '' },
      { client_name: 'x', redirect_uris: '/relative/path' },
      { client_name: 'x', redirect_uris: 'javascript:alert(1)' },
      { client_name: 'x', redirect_uris: 'https://app.example/cb#fragment' },
      { client_name: 'x', redirect_uris: OUT_OF_BAND, scopes: 'read admin:everything' },
      { client_name: 'x', redirect_uris: OUT_OF_BAND, website: 'ftp://files.example' },
    ]) {
      const reply = await h.call('POST', '/api/v1/apps', { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.code).toBe('validation_failed');
    }
  });

  it('tells an app about itself from any of its tokens, and nothing without one', async () => {
    const own = await appToken(h, app);
    const user = expectToken(await passwordGrant(h, app, 'alice'), 'read write follow');
    for (const withToken of [own, user]) {
      const reply = await h.call('GET', '/api/v1/apps/verify_credentials', { token: withToken });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ id: app.id, name: 'test app', scopes: ['read', 'write', 'follow'] });
      expect(reply.body.client_secret).toBeUndefined();
    }
    expect((await h.call('GET', '/api/v1/apps/verify_credentials')).status).toBe(401);
  });
});

describe('the sign-in page', () => {
  it('shows the app and what it asks for, with a policy that lets the form lead to the app', async () => {
    const { challenge } = pkce();
    const page = await h.call('GET', flow.query({ state: 'xyz', challenge }));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(html(page)).toContain('test app');
    expect(html(page)).toMatch(/<form method="post" action="\/oauth\/authorize">/);
    expect(hiddenFields(html(page))).toMatchObject({
      client_id: app.client_id,
      redirect_uri: PHONE_APP,
      state: 'xyz',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain("form-action 'self' com.example.starling:");
    expect(policy).toContain("frame-ancestors 'none'");
    const web = await h.call('GET', flow.query({ redirectUri: WEB_APP }));
    expect(String(web.headers['content-security-policy'])).toContain(
      "form-action 'self' https://client.example",
    );
  });

  it('shows an error page, never a redirect, for an unknown client or a redirect URI it did not register', async () => {
    const stranger = { ...app, client_id: 'no-such-client-id' };
    const { challenge } = pkce();
    for (const url of [
      flow.query({ client: stranger }),
      flow.query({ redirectUri: 'https://evil.example/steal' }),
      flow.query({ scope: 'read admin:everything' }),
      flow.query({ challenge: challenge.slice(1) }),
      flow.query({}).replace('response_type=code', 'response_type=token'),
      `${flow.query({ challenge })}`.replace('code_challenge_method=S256', 'code_challenge_method=plain'),
    ]) {
      const page = await h.call('GET', url);
      expect(page.status, url).toBe(400);
      expect(page.headers.location, url).toBeUndefined();
      expect(page.headers['content-type'], url).toMatch(/^text\/html/);
      expect(html(page)).toContain('This sign-in link does not work');
    }
    // The same when such a request is posted straight to the form's target, even with the right password.
    const signIn = { handle: 'alice', password: PASSWORD, decision: 'approve' };
    const requests: Record<string, string>[] = [
      { response_type: 'code', client_id: app.client_id, redirect_uri: 'https://evil.example/steal' },
      { response_type: 'token', client_id: app.client_id, redirect_uri: PHONE_APP },
      { client_id: app.client_id, redirect_uri: PHONE_APP },
    ];
    for (const request of requests) {
      const posted = await h.call('POST', '/oauth/authorize', form({ ...request, ...signIn }));
      expect(posted.status, JSON.stringify(request)).toBe(400);
      expect(posted.headers.location).toBeUndefined();
      expect(html(posted)).toContain('This sign-in link does not work');
    }
  });

  it('redirects with the code and the state for the right password', async () => {
    const state = 'a b&c=d/é';
    const { answer } = await flow.authorize({ state });
    expect(answer.status).toBe(302);
    const location = new URL(String(answer.headers.location));
    expect(`${location.protocol}${location.pathname}`).toBe(PHONE_APP);
    expect(location.searchParams.get('state')).toBe(state);
    expectToken(await flow.exchange(location.searchParams.get('code') as string), 'read write follow');
  });

  it('shows the page again with 401 for a wrong password or an unknown handle, and redirects nowhere', async () => {
    for (const login of [{ password: 'wrong password' }, { handle: 'nobody' }, { password: '' }]) {
      const { answer } = await flow.authorize(login);
      expect(answer.status, JSON.stringify(login)).toBe(401);
      expect(answer.headers.location).toBeUndefined();
      expect(html(answer)).toContain('That handle and password do not match.');
      // The form still carries the request, so the person can try again.
      expect(hiddenFields(html(answer)).client_id).toBe(app.client_id);
    }
  });

  it('sends access_denied to the app when the person denies it', async () => {
    const { answer } = await flow.authorize({ decision: 'deny', state: 's1', password: '' });
    expect(answer.status).toBe(302);
    const location = new URL(String(answer.headers.location));
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s1');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('shows the code to paste for an out-of-band app', async () => {
    const { answer } = await flow.authorize({ redirectUri: OUT_OF_BAND });
    expect(answer.status).toBe(200);
    const code = /<code id="code">([^<]+)<\/code>/.exec(html(answer))?.[1] as string;
    expectToken(await flow.exchange(code, { redirect_uri: OUT_OF_BAND }), 'read write follow');
  });
});

describe('what clients read first', () => {
  it('serves the authorization server metadata, with PKCE S256', async () => {
    const reply = await h.call('GET', '/.well-known/oauth-authorization-server');
    expect(reply.status).toBe(200);
    expect(reply.body.code_challenge_methods_supported).toEqual(['S256']);
    expect(reply.body).toMatchObject({
      authorization_endpoint: 'http://localhost:80/oauth/authorize',
      token_endpoint: 'http://localhost:80/oauth/token',
      revocation_endpoint: 'http://localhost:80/oauth/revoke',
      app_registration_endpoint: 'http://localhost:80/api/v1/apps',
      response_types_supported: ['code'],
    });
    expect(reply.body.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'password', 'client_credentials']),
    );
    expect(reply.body.scopes_supported).toEqual(
      expect.arrayContaining(['read', 'write', 'follow', 'push', 'read:statuses']),
    );
    expect(reply.body.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
  });
});

describe('CORS', () => {
  const origin = { origin: 'https://elk.example' };
  const allowsAnyone = (reply: Reply, label: string) => {
    expect(reply.headers['access-control-allow-origin'], label).toBe('*');
  };

  it('lets browser clients on other origins call the API, the token endpoints and well-known documents', async () => {
    const page = await h.call('GET', '/api/v1/timelines/home?limit=1', {
      token: alice.token,
      headers: origin,
    });
    allowsAnyone(page, 'home');
    expect(String(page.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/)).toContain(
      'link',
    );
    for (const url of [
      '/api/v2/instance',
      '/.well-known/oauth-authorization-server',
      '/.well-known/nodeinfo',
    ]) {
      allowsAnyone(await h.call('GET', url, { headers: origin }), url);
    }
    const credentials = { client_id: app.client_id, client_secret: app.client_secret };
    const issued = await h.call('POST', '/oauth/token', {
      body: { grant_type: 'client_credentials', ...credentials },
      headers: origin,
    });
    allowsAnyone(issued, 'token');
    const revoked = await h.call('POST', '/oauth/revoke', {
      body: { ...credentials, token: issued.body.access_token },
      headers: origin,
    });
    allowsAnyone(revoked, 'revoke');
  });

  it('answers preflights for the API and the token endpoint', async () => {
    for (const [url, method] of [
      ['/api/v1/statuses', 'POST'],
      ['/api/v1/statuses/1', 'DELETE'],
      ['/oauth/token', 'POST'],
    ] as const) {
      const reply = await h.call('OPTIONS', url, {
        headers: {
          ...origin,
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type, idempotency-key',
        },
      });
      expect(reply.status, url).toBe(204);
      allowsAnyone(reply, url);
      expect(String(reply.headers['access-control-allow-methods']), url).toContain(method);
      expect(String(reply.headers['access-control-allow-headers']).toLowerCase(), url).toContain(
        'authorization',
      );
    }
  });

  it('keeps the sign-in page to its own origin', async () => {
    const page = await h.call('GET', flow.query({}), { headers: origin });
    expect(page.status).toBe(200);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await h.call('OPTIONS', '/oauth/authorize', {
      headers: { ...origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
