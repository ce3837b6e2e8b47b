/**
 * Every failure a client can cause carries a stable `code`; `http/errors.ts` alone maps codes to statuses.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'idempotency_key_reused'
  | 'rate_limited'
  | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const validationFailed = (message: string) => new AppError('validation_failed', message);
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const unauthorized = (message = 'authentication required') => new AppError('unauthorized', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const unavailable = (message: string) => new AppError('unavailable', message);
