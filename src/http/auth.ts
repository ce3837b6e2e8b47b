import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../domain/errors.js';
import type { AccountService } from '../services/accounts.js';
import type { Api } from './api.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,128})$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, resolved once per request by {@link authenticateRequests}; null when anonymous. */
    viewer: Promise<bigint | null> | undefined;
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

async function resolve(request: FastifyRequest, accounts: Pick<AccountService, 'authenticate'>) {
  const token = bearerToken(request);
  if (token === null) return null;
  const accountId = await accounts.authenticate(token);
  if (accountId === null) throw unauthorized('the token is not valid');
  return accountId;
}

/**
 * Resolves the caller of every request before anything else runs. A token that does not (or no longer) work is
 * refused even on public routes, so a client learns at once that its session ended.
 */
export function authenticateRequests(app: Api, accounts: Pick<AccountService, 'authenticate'>) {
  app.decorateRequest('viewer', undefined);
  app.addHook('onRequest', async (request) => {
    request.viewer = resolve(request, accounts);
    await request.viewer;
  });
}

/** The caller, or null when anonymous. */
export function viewerOf(request: FastifyRequest, accounts: Pick<AccountService, 'authenticate'>) {
  request.viewer ??= resolve(request, accounts);
  return request.viewer;
}

export async function requireViewer(
  request: FastifyRequest,
  accounts: Pick<AccountService, 'authenticate'>,
): Promise<bigint> {
  const viewer = await viewerOf(request, accounts);
  if (viewer === null) throw unauthorized();
  return viewer;
}
