import { clampLimit, decodeCursor } from '../domain/cursor.js';
import { parseId } from '../domain/ids.js';
import type { IdWindow } from '../domain/model.js';

/**
 * A page's window from its query string: `limit` clamped, `cursor` decoded into the exclusive upper bound, and (on
 * timelines) `since_id` as the exclusive lower bound for polling.
 */
export const pageWindow = (query: { limit?: number; cursor?: string; since_id?: string }): IdWindow => ({
  limit: clampLimit(query.limit),
  before: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
  after: query.since_id === undefined ? undefined : parseId(query.since_id, 'since_id'),
});
