import { validationFailed } from './errors.js';
import { MAX_ID } from './ids.js';

/**
 * Keyset cursors: an opaque token that carries the id of the last item served. Clients must not read them, so the
 * format can change; the version prefix lets an old token fail cleanly instead of paging wrongly.
 */
const PREFIX = 'v1:';

export function encodeCursor(lastId: bigint): string {
  return Buffer.from(`${PREFIX}${lastId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): bigint {
  const fail = () => validationFailed('cursor is not one this server issued');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) throw fail();
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(PREFIX)) throw fail();
  const digits = decoded.slice(PREFIX.length);
  if (!/^[0-9]{1,20}$/.test(digits)) throw fail();
  const id = BigInt(digits);
  if (id > MAX_ID) throw fail();
  return id;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Larger limits are clamped, as the contract says; the schema already refused non-positive ones. */
export const clampLimit = (limit: number | undefined): number =>
  Math.min(Math.max(limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
