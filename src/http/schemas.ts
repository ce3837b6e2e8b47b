import { Type } from 'typebox';

/** Mastodon's error body, with Starling's stable code beside the message. */
export const ErrorResponse = Type.Object({
  error: Type.String({ description: 'what went wrong, for people' }),
  code: Type.String({ description: 'a stable code, for programs (validation_failed, not_found, …)' }),
});

/** The error statuses a route can answer with, for its response schema (and the OpenAPI document). */
export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, ErrorResponse])) as Record<
    number,
    typeof ErrorResponse
  >;
