import type { FastifyRequest } from 'fastify';
import { forbidden, RateLimited, unauthorized } from '../domain/errors.js';
import type { Session } from '../domain/model.js';
import { grants, type RequiredScope } from '../domain/scopes.js';
import type { AccountService } from '../services/accounts.js';
import type { Api } from './api.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,128})$/i;

export type Authenticator = Pick<AccountService, 'authenticate'> & Partial<Pick<AccountService, 'remembers'>>;

/**
 * A budget for tokens that fail: every unknown token costs a database lookup, so an address that keeps sending them
 * is refused for a while before its next one is looked up.
 */
export interface TokenGuard {
  /** Seconds until the request's address may have tokens looked up again, or null if it may now. */
  blocked(request: FastifyRequest): Promise<number | null>;
  /** A token from the request's address was looked up and was not valid. */
  failed(request: FastifyRequest): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's session, resolved once by {@link authenticateRequests}; null when it sent no token. */
    session: Promise<Session | null> | undefined;
  }
  interface FastifyInstance {
    /** Set where failed tokens have a budget (rate limits on). */
    tokenGuard: TokenGuard | null;
  }
}

/** The bearer token of a request, if it sent one; a malformed Authorization header is refused. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = BEARER.exec(header);
  if (!match?.[1]) throw unauthorized('Authorization must be "Bearer <token>"');
  return match[1];
}

/**
 * What a token stands for; an unknown or revoked one is refused. A token this process does not remember is looked up
 * only while the address it came from has failed tokens to spare.
 */
export async function sessionFor(
  token: string,
  accounts: Authenticator,
  request?: FastifyRequest,
): Promise<Session> {
  const guard = request?.server.tokenGuard ?? null;
  if (guard && request && !accounts.remembers?.(token)) {
    const wait = await guard.blocked(request);
    if (wait !== null) throw new RateLimited(wait, `too many invalid tokens; retry in ${wait} s`);
  }
  const session = await accounts.authenticate(token);
  if (session === null) {
    if (guard && request) await guard.failed(request);
    throw unauthorized('The access token is invalid');
  }
  return session;
}

async function resolve(request: FastifyRequest, accounts: Authenticator): Promise<Session | null> {
  const token = bearerToken(request);
  return token === null ? null : sessionFor(token, accounts, request);
}

/**
 * Resolves the session of every request before anything else runs. A token that does not (or no longer) work is
 * refused even on public routes, so a client learns at once that its session ended.
 */
export function authenticateRequests(app: Api, accounts: Authenticator) {
  app.decorateRequest('session', undefined);
  app.addHook('onRequest', async (request) => {
    request.session = resolve(request, accounts);
    await request.session;
  });
}

export function sessionOf(request: FastifyRequest, accounts: Authenticator): Promise<Session | null> {
  request.session ??= resolve(request, accounts);
  return request.session;
}

function checkScope(session: Session, scope: RequiredScope | 'profile' | undefined) {
  if (scope !== undefined && !grants(session.scopes, scope)) {
    throw forbidden(`This action is outside the authorized scopes (it needs ${scope})`);
  }
}

/** The signed-in account, or null: for routes anyone may read (an app's own token reads as anonymous). */
export async function viewerOf(request: FastifyRequest, accounts: Authenticator): Promise<bigint | null> {
  return (await sessionOf(request, accounts))?.accountId ?? null;
}

/** The signed-in account, with the scope the route needs; 401 without an account's token, 403 without the scope. */
export async function requireViewer(
  request: FastifyRequest,
  accounts: Authenticator,
  scope?: RequiredScope | 'profile',
): Promise<bigint> {
  const session = await sessionOf(request, accounts);
  if (session?.accountId == null) throw unauthorized('This method requires an authenticated user');
  checkScope(session, scope);
  return session.accountId;
}

/** A token of an app (an account's, or the app's own from client credentials), with the scope the route needs. */
export async function requireApp(
  request: FastifyRequest,
  accounts: Authenticator,
  scope: RequiredScope,
): Promise<Session & { appId: bigint }> {
  const session = await sessionOf(request, accounts);
  if (session?.appId == null) throw unauthorized('This method requires an app token');
  checkScope(session, scope);
  return { ...session, appId: session.appId };
}
