import type { IdWindow, TimelineEntry } from '../domain/model.js';
import type { AccountQuery, TweetQuery } from '../domain/search-query.js';

/** Full-text search over what the source of truth holds; deleted tweets never match. */
export interface SearchIndex {
  /** Active tweets matching every part of the query, newest first, in the window. */
  tweets(query: TweetQuery, window: IdWindow): Promise<TimelineEntry[]>;
  /** Accounts whose handle starts with the prefix or whose display name has every word (as a prefix), newest first. */
  accounts(query: AccountQuery, window: IdWindow): Promise<bigint[]>;
  /** Hashtags in use that start with `prefix` (normalised), in order; the page after skipping `offset`. */
  hashtags(prefix: string, limit: number, offset: number): Promise<string[]>;
}
