import { type Static, type TSchema, Type } from 'typebox';

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

/**
 * A value or null, as OpenAPI 3.0 writes it (`nullable: true`). Not `anyOf [schema, null]`: the response serializer
 * decides an `anyOf` by running the validator on the value, every time — for a page of statuses, hundreds of
 * validations (a whole status for each boost), which a CPU profile of home reads put near the top.
 */
export const nullable = <T extends TSchema>(schema: T, options: { description?: string } = {}) =>
  Type.Unsafe<Static<T> | null>({ ...schema, ...options, nullable: true });

/** One of a few strings, as an enum (for the same reason as {@link nullable}: not an `anyOf` of literals). */
export const oneOf = <const V extends readonly string[]>(values: V, options: { description?: string } = {}) =>
  Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options });
