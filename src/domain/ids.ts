import { validationFailed } from './errors.js';

/** Largest value a signed 64-bit column holds; Snowflakes never exceed it. */
export const MAX_ID = (1n << 63n) - 1n;

const DECIMAL = /^[0-9]{1,20}$/;

/**
 * Parses an id from the wire. Ids travel as decimal strings because they exceed 2^53; anything that is not a
 * canonical decimal in 0..2^63-1 is a validation error, never a lookup.
 */
export function parseId(raw: string, field = 'id'): bigint {
  if (!DECIMAL.test(raw)) throw validationFailed(`${field} must be a decimal string`);
  const id = BigInt(raw);
  if (id > MAX_ID) throw validationFailed(`${field} is out of range`);
  return id;
}
