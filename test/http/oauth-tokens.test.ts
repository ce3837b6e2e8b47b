import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appToken,
  PASSWORD,
  passwordGrant,
  type RegisteredApp,
  registerApp,
  revoke,
  token,
} from '../support/apps.js';
import type { Harness, User } from '../support/harness.js';
import {
  expectOAuthError,
  expectToken,
  form,
  multipart,
  PHONE_APP,
  pkce,
  type SignInFlow,
  startSignInWorld,
  WEB_APP,
} from '../support/oauth-flow.js';

/**
 * OAuth 2's token endpoint as Mastodon clients call it — codes (once, with PKCE), passwords and client credentials,
 * parameters wherever they put them — then scopes enforced per route, and revocation.
 */

let h: Harness;
let alice: User;
let app: RegisteredApp;
let flow: SignInFlow;

beforeAll(async () => {
  ({ h, alice, app, flow } = await startSignInWorld());
});
afterAll(() => h.close());

const home = (withToken: string) => h.call('GET', '/api/v1/timelines/home', { token: withToken });

describe('the token endpoint', () => {
  it('exchanges a code once: the second use is invalid_grant', async () => {
    const code = await flow.codeFor();
    const first = expectToken(await flow.exchange(code), 'read write follow');
    expect((await home(first)).status).toBe(200);
    expectOAuthError(await flow.exchange(code), 400, 'invalid_grant');
    // Two redemptions at once: exactly one gets a token.
    const contested = await flow.codeFor();
    const both = await Promise.all([flow.exchange(contested), flow.exchange(contested)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('refuses a code for another redirect URI, another app, or after ten minutes', async () => {
    expectOAuthError(
      await flow.exchange(await flow.codeFor(), { redirect_uri: WEB_APP }),
      400,
      'invalid_grant',
    );
    const other = await registerApp(h, { name: 'other', redirectUris: PHONE_APP });
    const stolen = await flow.codeFor();
    expectOAuthError(
      await token(h, other, { grant_type: 'authorization_code', code: stolen, redirect_uri: PHONE_APP }),
      400,
      'invalid_grant',
    );
    const late = await flow.codeFor();
    h.clock.advance(10 * 60_000 + 1);
    expectOAuthError(await flow.exchange(late), 400, 'invalid_grant');
    expectOAuthError(await flow.exchange('made-up-code-of-some-length'), 400, 'invalid_grant');
  });

  it('verifies PKCE (S256), and lets a client with PKCE leave out its secret', async () => {
    const { verifier, challenge } = pkce();
    const wrong = await flow.codeFor({ challenge });
    expectOAuthError(await flow.exchange(wrong, { code_verifier: pkce().verifier }), 400, 'invalid_grant');
    expectOAuthError(await flow.exchange(await flow.codeFor({ challenge }), {}), 400, 'invalid_grant');
    const right = await flow.codeFor({ challenge });
    const reply = await h.call('POST', '/oauth/token', {
      body: {
        grant_type: 'authorization_code',
        client_id: app.client_id,
        code: right,
        redirect_uri: PHONE_APP,
        code_verifier: verifier,
      },
    });
    expect((await home(expectToken(reply, 'read write follow'))).status).toBe(200);
    // Without PKCE, the secret is what proves the client.
    const bare = await flow.codeFor();
    const unproven = await h.call('POST', '/oauth/token', {
      body: {
        grant_type: 'authorization_code',
        client_id: app.client_id,
        code: bare,
        redirect_uri: PHONE_APP,
      },
    });
    expectOAuthError(unproven, 401, 'invalid_client');
  });

  it('takes its parameters as JSON, a form, multipart, or the query string with an empty JSON body', async () => {
    const params = (code: string) => ({
      grant_type: 'authorization_code',
      client_id: app.client_id,
      client_secret: app.client_secret,
      redirect_uri: PHONE_APP,
      code,
    });
    expectToken(
      await h.call('POST', '/oauth/token', { body: params(await flow.codeFor()) }),
      'read write follow',
    );
    expectToken(
      await h.call('POST', '/oauth/token', form(params(await flow.codeFor()))),
      'read write follow',
    );
    expectToken(
      await h.call('POST', '/oauth/token', await multipart(params(await flow.codeFor()))),
      'read write follow',
    );
    const query = new URLSearchParams(params(await flow.codeFor()));
    expectToken(
      await h.call('POST', `/oauth/token?${query}`, {
        body: '',
        headers: { 'content-type': 'application/json' },
      }),
      'read write follow',
    );
    expectToken(
      await h.call('POST', `/oauth/token?${new URLSearchParams(params(await flow.codeFor()))}`),
      'read write follow',
    );
  });

  it('authenticates clients by HTTP Basic (client_secret_basic) as well', async () => {
    const basic = (id: string, secret: string) =>
      `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const reply = await h.call('POST', '/oauth/token', {
      ...form({ grant_type: 'client_credentials', scope: 'read' }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(app.client_id, app.client_secret),
      },
    });
    expectToken(reply, 'read');
    const wrong = await h.call('POST', '/oauth/token', {
      ...form({ grant_type: 'client_credentials' }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(app.client_id, 'not the secret'),
      },
    });
    expectOAuthError(wrong, 401, 'invalid_client');
  });

  it('grants by password and by client credentials, and refuses unknown clients and grants', async () => {
    const user = expectToken(await passwordGrant(h, app, 'alice', PASSWORD, 'read'), 'read');
    expect((await h.call('GET', '/api/v1/accounts/verify_credentials', { token: user })).body.id).toBe(
      alice.id,
    );
    expectOAuthError(await passwordGrant(h, app, 'alice', 'wrong password'), 400, 'invalid_grant');
    expectToken(await token(h, app, { grant_type: 'client_credentials' }), 'read');
    const stranger = { ...app, client_id: 'no-such-client-id' };
    expectOAuthError(await token(h, stranger, { grant_type: 'client_credentials' }), 401, 'invalid_client');
    expectOAuthError(
      await token(h, { ...app, client_secret: 'nope' }, { grant_type: 'password' }),
      401,
      'invalid_client',
    );
    expectOAuthError(await token(h, app, { grant_type: 'implicit' }), 400, 'unsupported_grant_type');
    expectOAuthError(await token(h, app, {}), 400, 'invalid_request');
  });
});

describe('scopes', () => {
  it('refuse unknown scopes and scopes beyond the app’s with invalid_scope', async () => {
    expectOAuthError(await passwordGrant(h, app, 'alice', PASSWORD, 'read admin:read'), 400, 'invalid_scope');
    expectOAuthError(await passwordGrant(h, app, 'alice', PASSWORD, 'read push'), 400, 'invalid_scope');
    const readOnly = await registerApp(h, { scopes: 'read' });
    expectOAuthError(await passwordGrant(h, readOnly, 'alice', PASSWORD, 'read write'), 400, 'invalid_scope');
    expectOAuthError(
      await token(h, readOnly, { grant_type: 'client_credentials', scope: 'write' }),
      400,
      'invalid_scope',
    );
    // A sub-scope of a scope the app has is within it.
    expectToken(await passwordGrant(h, readOnly, 'alice', PASSWORD, 'read:statuses'), 'read:statuses');
  });

  it('hold per route: a read token cannot post, follow or favourite (403), but reads', async () => {
    const bob = await h.signUp('bob');
    const posted = await h.call('POST', '/api/v1/statuses', { token: bob.token, body: { status: 'hello' } });
    const reader = expectToken(await passwordGrant(h, app, 'alice', PASSWORD, 'read'), 'read');
    for (const [url, body] of [
      ['/api/v1/statuses', { status: 'not allowed' }],
      [`/api/v1/accounts/${bob.id}/follow`, undefined],
      [`/api/v1/statuses/${posted.body.id}/favourite`, undefined],
      [`/api/v1/statuses/${posted.body.id}/reblog`, undefined],
    ] as const) {
      const reply = await h.call('POST', url, { token: reader, body });
      expect(reply.status, url).toBe(403);
      expect(reply.body.code).toBe('forbidden');
    }
    expect((await home(reader)).status).toBe(200);
    expect((await h.call('GET', '/api/v1/accounts/verify_credentials', { token: reader })).status).toBe(200);
    // Sub-scopes grant exactly themselves; follow grants following.
    const poster = expectToken(
      await passwordGrant(h, app, 'alice', PASSWORD, 'write:statuses follow'),
      'write:statuses follow',
    );
    expect(
      (await h.call('POST', '/api/v1/statuses', { token: poster, body: { status: 'mine' } })).status,
    ).toBe(200);
    expect((await h.call('POST', `/api/v1/accounts/${bob.id}/follow`, { token: poster })).status).toBe(200);
    expect((await home(poster)).status).toBe(403);
    const favourer = expectToken(
      await passwordGrant(h, app, 'alice', PASSWORD, 'write:favourites'),
      'write:favourites',
    );
    expect(
      (await h.call('POST', `/api/v1/statuses/${posted.body.id}/favourite`, { token: favourer })).status,
    ).toBe(200);
    expect(
      (await h.call('POST', '/api/v1/statuses', { token: favourer, body: { status: 'no' } })).status,
    ).toBe(403);
  });

  it('leave an app-only token without an account: no home timeline, no posting (401)', async () => {
    const own = await appToken(h, app);
    for (const [method, url] of [
      ['GET', '/api/v1/timelines/home'],
      ['GET', '/api/v1/accounts/verify_credentials'],
      ['POST', '/api/v1/statuses'],
    ] as const) {
      const reply = await h.call(method, url, {
        token: own,
        body: method === 'POST' ? { status: 'x' } : undefined,
      });
      expect(reply.status, url).toBe(401);
      expect(reply.body.code).toBe('unauthorized');
    }
    // It still reads what anyone may.
    expect((await h.call('GET', '/api/v1/timelines/public', { token: own })).status).toBe(200);
  });
});

describe('revocation', () => {
  it('ends a token at once, and answers 200 for tokens it does not know', async () => {
    const user = expectToken(await passwordGrant(h, app, 'alice'), 'read write follow');
    expect((await home(user)).status).toBe(200);
    const reply = await revoke(h, app, user);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({});
    expect((await home(user)).status).toBe(401);
    expect((await revoke(h, app, user)).status).toBe(200);
    expect((await revoke(h, app, 'never-issued-token-value')).status).toBe(200);
    expectOAuthError(await revoke(h, { ...app, client_secret: 'nope' }, user), 401, 'invalid_client');
    const credentials = { client_id: app.client_id, client_secret: app.client_secret };
    expectOAuthError(await h.call('POST', '/oauth/revoke', form(credentials)), 400, 'invalid_request');
  });
});
