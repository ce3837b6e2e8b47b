import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { OUT_OF_BAND, PASSWORD, type RegisteredApp, registerApp, token } from './apps.js';
import { type Harness, type Reply, startHarness } from './harness.js';

/**
 * The authorization-code flow as a person and their browser go through it — open the sign-in page, post its form,
 * land on the app's redirect URI with a code — and what the token endpoint's answers must look like.
 */

/** A phone app's own scheme, and a web app's callback: the two kinds of redirect clients register. */
export const PHONE_APP = 'com.example.starling:/oauth-callback';
export const WEB_APP = 'https://client.example/callback';

/** A form body, as browsers and Tusky send it. */
export const form = (values: Record<string, string>) => ({
  body: new URLSearchParams(values).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

/** A multipart body as a browser's FormData sends it (Phanpy's registration, masto.js's sign-up). */
export async function multipart(values: Record<string, string>) {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) data.append(name, value);
  const request = new Request('http://localhost/', { method: 'POST', body: data });
  return {
    body: Buffer.from(await request.arrayBuffer()).toString('latin1'),
    headers: { 'content-type': request.headers.get('content-type') as string },
  };
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const html = (reply: Reply) => String(reply.body);
const decode = (text: string) =>
  text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** The sign-in form's hidden fields: the request, which the browser posts back as it came. */
export function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[decode(name as string)] = decode(value as string);
  }
  return fields;
}

export interface Authorization {
  client?: RegisteredApp;
  redirectUri?: string;
  scope?: string;
  state?: string;
  challenge?: string;
  handle?: string;
  password?: string;
  decision?: 'approve' | 'deny';
}

/** The flow for one app on one server; each call may change who signs in, where to, with what. */
export function signInFlow(h: Harness, app: RegisteredApp) {
  /** `GET /oauth/authorize` as clients build it (with the parameters Mastodon clients add). */
  const query = (a: Authorization = {}) => {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: (a.client ?? app).client_id,
      redirect_uri: a.redirectUri ?? PHONE_APP,
      scope: a.scope ?? 'read write follow',
      force_login: 'true',
      lang: 'en',
    });
    if (a.state !== undefined) params.set('state', a.state);
    if (a.challenge !== undefined) {
      params.set('code_challenge', a.challenge);
      params.set('code_challenge_method', 'S256');
    }
    return `/oauth/authorize?${params}`;
  };

  /** Opens the page, then signs in (or denies) on its form. */
  async function authorize(a: Authorization = {}): Promise<{ page: Reply; answer: Reply }> {
    const page = await h.call('GET', query(a));
    expect(page.status, html(page)).toBe(200);
    const answer = await h.call(
      'POST',
      '/oauth/authorize',
      form({
        ...hiddenFields(html(page)),
        handle: a.handle ?? 'alice',
        password: a.password ?? PASSWORD,
        decision: a.decision ?? 'approve',
      }),
    );
    return { page, answer };
  }

  /** The code a successful sign-in sends to the app's redirect URI. */
  async function codeFor(a: Authorization = {}): Promise<string> {
    const { answer } = await authorize(a);
    expect(answer.status, html(answer)).toBe(302);
    const code = new URL(String(answer.headers.location)).searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    return code as string;
  }

  /** The app trades a code for a token, proving itself with its secret. */
  const exchange = (code: string, extra: Record<string, string> = {}) =>
    token(h, app, { grant_type: 'authorization_code', code, redirect_uri: PHONE_APP, ...extra });

  return { query, authorize, codeFor, exchange };
}

export type SignInFlow = ReturnType<typeof signInFlow>;

/** A server with alice on it, and an app registered for every kind of redirect, with the scopes clients ask for. */
export async function startSignInWorld() {
  const h = await startHarness();
  const alice = await h.signUp('alice');
  const app = await registerApp(h, {
    redirectUris: `${OUT_OF_BAND} ${PHONE_APP} ${WEB_APP}`,
    scopes: 'read write follow',
  });
  return { h, alice, app, flow: signInFlow(h, app) };
}

/** A token endpoint's success: Mastodon's Token entity, never cached. Answers the access token. */
export function expectToken(reply: Reply, scope: string): string {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body).toEqual({
    access_token: expect.stringMatching(/^[A-Za-z0-9_-]{16,128}$/),
    token_type: 'Bearer',
    scope,
    created_at: expect.any(Number),
  });
  expect(reply.headers['cache-control']).toBe('no-store');
  return reply.body.access_token as string;
}

/** An OAuth failure: RFC 6749's `error` and `error_description`, beside Starling's stable code. */
export function expectOAuthError(reply: Reply, status: number, error: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({
    error,
    error_description: expect.any(String),
    code: expect.any(String),
  });
}
