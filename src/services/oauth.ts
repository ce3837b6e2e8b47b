import { createHash, timingSafeEqual } from 'node:crypto';
import { OAuthError, validationFailed } from '../domain/errors.js';
import type { ClientApp, Session } from '../domain/model.js';
import { parseScopes, withinScopes } from '../domain/scopes.js';
import type { AppStore, StoredApp } from '../ports/app-store.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import type { AccountService } from './accounts.js';
import { hashToken, newToken } from './tokens.js';

/** The redirect URI of clients that show the code for the user to paste instead of receiving it. */
export const OUT_OF_BAND = 'urn:ietf:wg:oauth:2.0:oob';
/** How long an authorization code may wait for its token request. */
const CODE_TTL_MS = 10 * 60_000;
const MAX_REDIRECT_URIS = 10;
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export interface OAuthDeps {
  apps: AppStore;
  accountService: Pick<AccountService, 'checkPassword' | 'openSession' | 'logOut' | 'authenticate'>;
  ids: IdGenerator;
  clock: Clock;
}

export interface AppRegistration {
  name: string;
  /** One or more URIs, separated by white space (as Mastodon takes them), or a list. */
  redirectUris: string | readonly string[];
  scopes?: string | undefined;
  website?: string | undefined;
}

/** A token as the token endpoint hands it out. */
export interface IssuedToken {
  accessToken: string;
  scopes: string[];
  createdAt: Date;
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope?: string | undefined;
  /** PKCE (RFC 7636): only S256 is accepted. */
  codeChallenge?: string | undefined;
  codeChallengeMethod?: string | undefined;
}

/** What the consent page shows, once the request itself is known to be sound. */
export interface CheckedAuthorization {
  app: ClientApp;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

function sameSecret(secret: string, hash: string): boolean {
  const given = Buffer.from(hashToken(secret), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

function checkRedirectUri(uri: string): string {
  if (uri === OUT_OF_BAND) return uri;
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw validationFailed(`redirect_uris: "${uri}" is not an absolute URI`);
  }
  // Apps on phones use schemes of their own (com.example.app:/callback); a fragment could not carry the code back.
  if (parsed.hash !== '') throw validationFailed('redirect_uris must not contain a fragment');
  if (parsed.protocol === 'javascript:' || parsed.protocol === 'data:') {
    throw validationFailed(`redirect_uris: the ${parsed.protocol} scheme is not allowed`);
  }
  return uri;
}

function checkName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name === '' || [...name].length > 100) throw validationFailed('client_name must be 1–100 characters');
  return name;
}

/**
 * OAuth 2 for client applications, as Mastodon serves it: registering apps, the authorization-code grant (with PKCE),
 * the password and client-credentials grants, and revocation. Tokens are sessions of the account service.
 */
export function createOAuthService({ apps, accountService, ids, clock }: OAuthDeps) {
  /** The app a client names, if its secret (when it gives one) is the app's. */
  async function client(clientId: string | undefined, clientSecret: string | undefined): Promise<StoredApp> {
    const app = clientId ? await apps.byClientId(clientId) : null;
    if (!app) throw new OAuthError('invalid_client', 'Client authentication failed: unknown client');
    if (clientSecret !== undefined && !sameSecret(clientSecret, app.clientSecretHash)) {
      throw new OAuthError('invalid_client', 'Client authentication failed: wrong client secret');
    }
    return app;
  }

  /** A confidential client must prove itself with its secret. */
  async function authenticatedClient(clientId?: string, clientSecret?: string): Promise<StoredApp> {
    if (clientSecret === undefined) throw new OAuthError('invalid_client', 'client_secret is required');
    return client(clientId, clientSecret);
  }

  function scopesFor(app: StoredApp, requested: string | undefined): string[] {
    let scopes: string[];
    try {
      scopes = parseScopes(requested);
    } catch (error) {
      throw new OAuthError('invalid_scope', (error as Error).message);
    }
    if (!withinScopes(scopes, app.scopes)) {
      throw new OAuthError('invalid_scope', 'The requested scope is not among the scopes the app registered');
    }
    return scopes;
  }

  async function issue(session: Session): Promise<IssuedToken> {
    const accessToken = await accountService.openSession(session);
    return { accessToken, scopes: session.scopes, createdAt: new Date(clock.now()) };
  }

  async function checkAuthorization(request: AuthorizationRequest): Promise<CheckedAuthorization> {
    const app = await client(request.clientId, undefined);
    if (!app.redirectUris.includes(request.redirectUri)) {
      throw new OAuthError('invalid_request', 'redirect_uri is not one the app registered');
    }
    const scopes = scopesFor(app, request.scope);
    let codeChallenge: string | null = null;
    if (request.codeChallenge !== undefined && request.codeChallenge !== '') {
      if ((request.codeChallengeMethod ?? 'plain') !== 'S256') {
        throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
      }
      if (!PKCE_CHALLENGE.test(request.codeChallenge)) {
        throw new OAuthError('invalid_request', 'code_challenge must be a base64url SHA-256');
      }
      codeChallenge = request.codeChallenge;
    }
    return { app, redirectUri: request.redirectUri, scopes, codeChallenge };
  }

  return {
    async registerApp(input: AppRegistration): Promise<{ app: ClientApp; clientSecret: string }> {
      const name = checkName(input.name);
      const listed =
        typeof input.redirectUris === 'string' ? input.redirectUris.split(/\s+/) : [...input.redirectUris];
      const redirectUris = [...new Set(listed.map((u) => u.trim()).filter((u) => u !== ''))];
      if (redirectUris.length === 0) throw validationFailed('redirect_uris must not be empty');
      if (redirectUris.length > MAX_REDIRECT_URIS) {
        throw validationFailed(`at most ${MAX_REDIRECT_URIS} redirect_uris`);
      }
      redirectUris.forEach(checkRedirectUri);
      const scopes = parseScopes(input.scopes);
      const website = input.website?.trim() || null;
      if (website !== null && !/^https?:\/\/\S+$/.test(website)) {
        throw validationFailed('website must be an http(s) URL');
      }
      const clientSecret = newToken();
      const app: StoredApp = {
        id: await ids.next(),
        name,
        website,
        redirectUris,
        scopes,
        clientId: newToken(),
        clientSecretHash: hashToken(clientSecret),
        createdAt: new Date(clock.now()),
      };
      await apps.create(app);
      return { app, clientSecret };
    },

    /** The app a token was granted to, or null for tokens older than apps. */
    async appOf(session: Session): Promise<ClientApp | null> {
      return session.appId === null ? null : apps.byId(session.appId);
    },

    /** Validates an authorization request before anyone signs in: a bad one is shown, never redirected. */
    checkAuthorization,

    /** The user approved: checks their password and grants a code for the app (shown, or sent to redirect_uri). */
    async authorize(request: AuthorizationRequest, login: { handle: string; password: string }) {
      const checked = await checkAuthorization(request);
      const account = await accountService.checkPassword(login);
      const code = newToken();
      const now = clock.now();
      await apps.createCode({
        codeHash: hashToken(code),
        appId: checked.app.id,
        accountId: account.id,
        redirectUri: checked.redirectUri,
        scopes: checked.scopes,
        codeChallenge: checked.codeChallenge,
        createdAt: new Date(now),
        expiresAt: new Date(now + CODE_TTL_MS),
      });
      return { code, redirectUri: checked.redirectUri, app: checked.app };
    },

    /**
     * grant_type=authorization_code. A client with PKCE proves itself by the verifier and may omit its secret (a
     * public client cannot keep one); without PKCE the secret is required.
     */
    async exchangeCode(input: {
      clientId?: string;
      clientSecret?: string;
      code?: string;
      redirectUri?: string;
      codeVerifier?: string;
    }): Promise<IssuedToken> {
      const app = await client(input.clientId, input.clientSecret);
      if (!input.code) throw new OAuthError('invalid_request', 'code is required');
      const grant = await apps.redeemCode(hashToken(input.code), new Date(clock.now()));
      const invalid = () =>
        new OAuthError('invalid_grant', 'The authorization code is invalid, expired or used');
      if (!grant || grant.appId !== app.id) throw invalid();
      if (input.redirectUri !== undefined && input.redirectUri !== grant.redirectUri) throw invalid();
      if (grant.codeChallenge !== null) {
        const verifier = input.codeVerifier ?? '';
        if (!PKCE_VERIFIER.test(verifier)) throw invalid();
        if (sha256(verifier).toString('base64url') !== grant.codeChallenge) throw invalid();
      } else if (input.clientSecret === undefined) {
        throw new OAuthError('invalid_client', 'client_secret is required without PKCE');
      }
      return issue({ accountId: grant.accountId, appId: app.id, scopes: grant.scopes });
    },

    /** grant_type=password: an app signing its user in with their handle and password. */
    async passwordGrant(input: {
      clientId?: string;
      clientSecret?: string;
      username?: string;
      password?: string;
      scope?: string;
    }): Promise<IssuedToken> {
      const app = await authenticatedClient(input.clientId, input.clientSecret);
      const scopes = scopesFor(app, input.scope);
      let accountId: bigint;
      try {
        accountId = (
          await accountService.checkPassword({ handle: input.username ?? '', password: input.password ?? '' })
        ).id;
      } catch {
        throw new OAuthError('invalid_grant', 'The username or password is wrong');
      }
      return issue({ accountId, appId: app.id, scopes });
    },

    /** grant_type=client_credentials: the app's own token, for registering accounts and reading public data. */
    async clientCredentials(input: { clientId?: string; clientSecret?: string; scope?: string }) {
      const app = await authenticatedClient(input.clientId, input.clientSecret);
      return issue({ accountId: null, appId: app.id, scopes: scopesFor(app, input.scope) });
    },

    /** Revokes a token of this app; anything else (unknown, another app's) is ignored, as RFC 7009 asks. */
    async revoke(input: { clientId?: string; clientSecret?: string; token?: string }): Promise<void> {
      const app = await authenticatedClient(input.clientId, input.clientSecret);
      if (!input.token) throw new OAuthError('invalid_request', 'token is required');
      const session = await accountService.authenticate(input.token).catch(() => null);
      if (session?.appId === app.id) await accountService.logOut(input.token);
    },

    /** A token the account holds, for a new account signed up through an app (the same scopes as the app's token). */
    async issueFor(accountId: bigint, appSession: Session & { appId: bigint }): Promise<IssuedToken> {
      return issue({ accountId, appId: appSession.appId, scopes: appSession.scopes });
    },
  };
}

export type OAuthService = ReturnType<typeof createOAuthService>;
