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
  '57P01',
  '57P03',
  '53300',
  // A deadlock or serialization failure: the transaction was rolled back whole; trying again is safe.
  '40P01',
  '40001',
]);

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
  if (e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) {
    return { status: 503, code: 'unavailable', message: 'a dependency is unavailable; try again shortly' };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 404) return { status, code: 'not_found', message: 'not found' };
  if (status === 429) return { status, code: 'rate_limited', message: e.message ?? 'too many requests' };
  if (status >= 400 && status < 500) {
    // Malformed JSON, a wrong content type, an empty body: all the client's to fix.
    return { status: 400, code: 'validation_failed', message: e.message ?? 'invalid request' };
  }
  return { status: 500, code: 'internal_error', message: 'internal error' };
}
