import { expect } from 'vitest';
import type { Harness, Reply, User } from './harness.js';

/**
 * OAuth as a client app does it, for tests that need the app's own credentials (to revoke a token, or to sign in
 * with a password): register, take the app's token, sign accounts up and in through it.
 */

export const PASSWORD = 'correct horse battery';
export const OUT_OF_BAND = 'urn:ietf:wg:oauth:2.0:oob';

export interface RegisteredApp {
  id: string;
  client_id: string;
  client_secret: string;
  scopes: string[];
  redirect_uris: string[];
}

export async function registerApp(
  h: Harness,
  options: { name?: string; scopes?: string; redirectUris?: string } = {},
): Promise<RegisteredApp> {
  const reply = await h.call('POST', '/api/v1/apps', {
    body: {
      client_name: options.name ?? 'test app',
      redirect_uris: options.redirectUris ?? OUT_OF_BAND,
      scopes: options.scopes ?? 'read write follow',
    },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}

/** `POST /oauth/token` with the app's credentials in the body. */
export const token = (h: Harness, app: RegisteredApp, params: Record<string, string>) =>
  h.call('POST', '/oauth/token', {
    body: { client_id: app.client_id, client_secret: app.client_secret, ...params },
  });

/** The app's own token (client credentials), with the app's scopes unless told. */
export async function appToken(
  h: Harness,
  app: RegisteredApp,
  scope = app.scopes.join(' '),
): Promise<string> {
  const reply = await token(h, app, { grant_type: 'client_credentials', scope });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.access_token;
}

/** The password grant, as an app signs its user in. */
export const passwordGrant = (
  h: Harness,
  app: RegisteredApp,
  username: string,
  password = PASSWORD,
  scope = app.scopes.join(' '),
) => token(h, app, { grant_type: 'password', username, password, scope });

/** `POST /api/v1/accounts` with an app token: registration, answered with the new account's token. */
export const register = (h: Harness, withToken: string, body: Record<string, unknown>) =>
  h.call('POST', '/api/v1/accounts', {
    token: withToken,
    body: { password: PASSWORD, agreement: true, locale: 'en', ...body },
  });

/** Signs an account up through `app`, so the test holds the credentials its token was granted to. */
export async function signUpThrough(
  h: Harness,
  app: RegisteredApp,
  handle: string,
  extra: Record<string, unknown> = {},
): Promise<User> {
  const reply = await register(h, await appToken(h, app), { username: handle, ...extra });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  const me = await h.call('GET', '/api/v1/accounts/verify_credentials', { token: reply.body.access_token });
  expect(me.status).toBe(200);
  return { id: me.body.id, handle, token: reply.body.access_token };
}

export const revoke = (h: Harness, app: RegisteredApp, revoked: string): Promise<Reply> =>
  h.call('POST', '/oauth/revoke', {
    body: { client_id: app.client_id, client_secret: app.client_secret, token: revoked },
  });

export const me = (h: Harness, withToken: string) =>
  h.call('GET', '/api/v1/accounts/verify_credentials', { token: withToken });

/** An account by handle, as `GET /api/v1/accounts/lookup` answers. */
export const lookup = (h: Harness, acct: string, withToken?: string) =>
  h.call('GET', `/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`, { token: withToken });
