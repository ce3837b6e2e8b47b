import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../domain/errors.js';
import type { AccountService } from '../services/accounts.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,128})$/;

/** The bearer token of a request, if it sent one; a malformed Authorization header is refused. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = BEARER.exec(header);
  if (!match?.[1]) throw unauthorized('Authorization must be "Bearer <token>"');
  return match[1];
}

/**
 * Resolves the caller. A token that does not (or no longer) work is refused even on public routes, so a client
 * learns at once that its session ended.
 */
export async function viewerOf(request: FastifyRequest, accounts: Pick<AccountService, 'authenticate'>) {
  const token = bearerToken(request);
  if (token === null) return null;
  const accountId = await accounts.authenticate(token);
  if (accountId === null) throw unauthorized('the token is not valid');
  return accountId;
}

export async function requireViewer(
  request: FastifyRequest,
  accounts: Pick<AccountService, 'authenticate'>,
): Promise<bigint> {
  const viewer = await viewerOf(request, accounts);
  if (viewer === null) throw unauthorized();
  return viewer;
}
