import type { IdWindow, TimelineEntry } from '../../domain/model.js';
import type { AccountQuery, TweetQuery } from '../../domain/search-query.js';
import type { SearchIndex } from '../../ports/search-index.js';
import { type EntryRow, toEntry } from './rows.js';
import {
  newestFirst,
  type SqlExecutor,
  toBigInt,
  windowOrder,
  windowParams,
  windowPredicate,
} from './sql-client.js';

/** A lexeme quoted for tsquery input, where a quote or a backslash inside is escaped by a backslash. */
const quoted = (lexeme: string): string => `'${lexeme.replace(/['\\]/g, '\\$&')}'`;

/** tsquery text for lexemes that must all match exactly ('#tag', '@handle', or word prefixes with `:*`). */
const exactly = (lexemes: readonly string[], suffix = ''): string | null =>
  lexemes.length === 0 ? null : lexemes.map((lexeme) => `${quoted(lexeme)}${suffix}`).join(' & ');

/** Words and phrases go through the text parser (as "quoted" runs, so nothing in them acts as an operator). */
const asPhrases = (phrases: readonly string[]): string | null =>
  phrases.length === 0 ? null : phrases.map((phrase) => `"${phrase}"`).join(' ');

/** Full-text search in PostgreSQL: a GIN index over each active tweet's search document (see migration 007). */
export class SqlSearchIndex implements SearchIndex {
  constructor(private readonly db: SqlExecutor) {}

  async tweets(query: TweetQuery, window: IdWindow): Promise<TimelineEntry[]> {
    const rows = await this.db.query<EntryRow>(
      `SELECT id, author_id FROM tweets
        WHERE status = 'ACTIVE'
          AND search @@ (CASE
                WHEN $1::text IS NULL THEN $2::tsquery
                WHEN $2::text IS NULL THEN websearch_to_tsquery('simple', $1)
                ELSE websearch_to_tsquery('simple', $1) && $2::tsquery END)
          AND ${windowPredicate('id', 3)}
        ORDER BY id ${windowOrder(window)} LIMIT $5`,
      [
        asPhrases(query.phrases),
        exactly([...query.hashtags.map((tag) => `#${tag}`), ...query.mentions.map((handle) => `@${handle}`)]),
        ...windowParams(window),
      ],
    );
    return newestFirst(rows, window).map(toEntry);
  }

  async accounts(query: AccountQuery, window: IdWindow): Promise<bigint[]> {
    const rows = await this.db.query<{ id: unknown }>(
      `SELECT id FROM accounts
        WHERE (lower(handle) LIKE $1 OR to_tsvector('simple', display_name) @@ $2::tsquery)
          AND ${windowPredicate('id', 3)}
        ORDER BY id ${windowOrder(window)} LIMIT $5`,
      [
        // Underscores are LIKE wildcards; a handle's own must match only underscores.
        query.handlePrefix === null ? null : `${query.handlePrefix.replaceAll('_', '\\_')}%`,
        exactly(query.nameWords, ':*'),
        ...windowParams(window),
      ],
    );
    return newestFirst(rows, window).map((row) => toBigInt(row.id));
  }

  async hashtags(prefix: string, limit: number, offset: number): Promise<string[]> {
    // A loose index scan: each step jumps to the next distinct tag, however many tweets use the last one.
    const rows = await this.db.query<{ tag: string }>(
      `WITH RECURSIVE tags (tag) AS (
         (SELECT tag FROM tweet_hashtags WHERE tag LIKE $1 ORDER BY tag USING ~<~ LIMIT 1)
         UNION ALL
         SELECT (SELECT h.tag FROM tweet_hashtags h WHERE h.tag ~>~ tags.tag AND h.tag LIKE $1
                  ORDER BY h.tag USING ~<~ LIMIT 1)
           FROM tags WHERE tags.tag IS NOT NULL
       )
       SELECT tag FROM tags WHERE tag IS NOT NULL LIMIT $2 OFFSET $3`,
      [`${prefix.replace(/[\\%_]/g, '\\$&')}%`, limit, offset],
    );
    return rows.map((row) => row.tag);
  }
}
