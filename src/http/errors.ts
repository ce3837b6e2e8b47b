import type { FastifyError } from 'fastify';
import { AppError, type ErrorCode } from '../domain/errors.js';

/** The one place that knows which status each stable error code travels with. */
export const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  // Mastodon answers an image it cannot take (too many pixels) with 422.
  image_too_large: 422,
  idempotency_key_reused: 422,
  not_supported: 422,
  rate_limited: 429,
  unavailable: 503,
};

export interface HttpError {
  status: number;
  code: ErrorCode | 'internal_error';
  message: string;
}

/** Errors of the network kind: a dependency is down, which is 503, not a bug. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // PostgreSQL: a statement cancelled by statement_timeout, a transaction ended for idling in it.
  '57014',
  '25P03',
  // A deadlock or serialization failure: the transaction was rolled back whole; trying again is safe.
  '40P01',
  '40001',
]);

/**
 * SQLSTATE classes of a server that cannot serve: 08 connection exceptions, 53 insufficient resources (too many
 * connections, out of memory or disk), 57P operator intervention (shutting down, restarting, not accepting yet).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P)/;

/**
 * What the drivers throw when their server is gone or silent, by class name: ioredis (`MaxRetriesPerRequestError`,
 * `ClusterAllFailedError`, the adapters' own `RedisTimeoutError`) and NATS (`TimeoutError`, the connection errors,
 * `NoResponders`, `RequestError`).
 */
const UNAVAILABLE_NAMES = new Set([
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  'RedisTimeoutError',
  'TimeoutError',
  'ConnectionError',
  'ClosedConnectionError',
  'DrainingConnectionError',
  'NoResponders',
  'RequestError',
]);

/** ...and by message, where a driver throws a plain Error: node-postgres and ioredis. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // pg: reset, or the connect timeout
  /^timeout exceeded when trying to connect$/, // pg-pool: no free connection in time
  /^Query read timeout$/, // pg: query_timeout
  /is not queryable$/, // pg: a client whose connection failed
  /^Connection is closed\.?$/, // ioredis
  /^Command timed out$/, // ioredis: commandTimeout
  /^Stream isn't writeable/, // ioredis: offline queue off
];

/** Whether `error` says a dependency (PostgreSQL, Redis, NATS) was lost or did not answer in time. */
export function isDependencyLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (UNAVAILABLE_CODES.has(code) || (code.length === 5 && UNAVAILABLE_SQLSTATE.test(code)))
  )
    return true;
  if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * Maps anything thrown to what the client sees. Client mistakes keep their message; a 5xx never echoes internals.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof AppError)
    return { status: STATUS[error.code], code: error.code, message: error.message };
  const e = error as Partial<FastifyError> & { code?: string };
  if (e.validation)
    return { status: 400, code: 'validation_failed', message: e.message ?? 'invalid request' };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, code: 'payload_too_large', message: 'request body is too large' };
  }
  if (isDependencyLost(error)) {
    return { status: 503, code: 'unavailable', message: 'a dependency is unavailable; try again shortly' };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 404) return { status, code: 'not_found', message: 'not found' };
  // A multipart file or part count over its limit (@fastify/multipart).
  if (status === 413)
    return { status, code: 'payload_too_large', message: e.message ?? 'request body is too large' };
  if (status === 429) return { status, code: 'rate_limited', message: e.message ?? 'too many requests' };
  if (status >= 400 && status < 500) {
    // Malformed JSON, a wrong content type, an empty body: all the client's to fix.
    return { status: 400, code: 'validation_failed', message: e.message ?? 'invalid request' };
  }
  return { status: 500, code: 'internal_error', message: 'internal error' };
}
