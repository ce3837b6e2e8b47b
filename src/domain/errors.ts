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
  | 'unsupported_media_type'
  | 'image_too_large'
  | 'idempotency_key_reused'
  | 'not_supported'
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
export const forbidden = (message: string) => new AppError('forbidden', message);

/** A budget is spent: the client may try again after `retryAfterSeconds`. */
export class RateLimited extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = `too many requests; retry in ${retryAfterSeconds} s`,
  ) {
    super('rate_limited', message);
    this.name = 'RateLimited';
  }
}
/** Well-formed, but asks for something Starling does not do (yet): 422, as Mastodon answers what it cannot process. */
export const notSupported = (message: string) => new AppError('not_supported', message);

/** The error codes of OAuth 2 (RFC 6749 §5.2), which token and authorization clients read instead of ours. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied';

/** A failed OAuth request: the protocol's code for OAuth clients, and a stable code of ours for the status. */
export class OAuthError extends AppError {
  constructor(
    readonly oauthCode: OAuthErrorCode,
    message: string,
  ) {
    super(oauthCode === 'invalid_client' ? 'unauthorized' : 'validation_failed', message);
    this.name = 'OAuthError';
  }
}
