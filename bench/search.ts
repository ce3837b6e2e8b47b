import type { SqlClient } from '../src/adapters/sql/sql-client.js';
import { SNOWFLAKE_EPOCH_MS } from '../src/domain/snowflake.js';
import { seeded } from './random.js';

/**
 * The search corpus: `count` tweets of 6–15 words drawn from a 5,000-word vocabulary with a Zipf-like (log-uniform
 * rank) distribution, a fifth of them with a hashtag from 500 and a tenth mentioning one of the graph's accounts —
 * generated inside PostgreSQL (deterministically, from the seed) and indexed the way the writer indexes a tweet.
 */
export const VOCABULARY = 5_000;
export const TAGS = 500;

export async function loadSearchCorpus(
  sql: SqlClient,
  count: number,
  seed: number,
  accounts: number,
  say: (text: string) => void,
): Promise<number> {
  const started = performance.now();
  const chunk = 100_000;
  // Ids are Snowflakes a year old, 1 ms apart, below everything the run posts itself.
  const firstMs = Date.now() - 365 * 86_400_000 - SNOWFLAKE_EPOCH_MS;
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk);
    await sql.transaction(async (tx) => {
      await tx.query('SELECT setseed($1)', [((seed * 7_919 + from) % 1_000_000) / 1_000_000]);
      await tx.query(
        `INSERT INTO tweets (id, author_id, text, created_at, search)
         SELECT id, author_id, text, created_at,
                to_tsvector('simple', text) || array_to_tsvector(lexemes)
           FROM (
             SELECT ((($3::bigint + g) << 22) | (1023::bigint << 12))::bigint AS id,
                    a.id AS author_id,
                    to_timestamp(($3::bigint + g + $4::bigint) / 1000.0) AS created_at,
                    w.words || CASE WHEN g % 5 = 0 THEN ' #tag' || t.k ELSE '' END
                            || CASE WHEN g % 10 = 3 THEN ' @' || a2.handle ELSE '' END AS text,
                    ARRAY_REMOVE(ARRAY[
                      CASE WHEN g % 5 = 0 THEN '#tag' || t.k END,
                      CASE WHEN g % 10 = 3 THEN '@' || lower(a2.handle) END], NULL) AS lexemes
               FROM generate_series($1::bigint, $2::bigint - 1) g
               CROSS JOIN LATERAL (
                 SELECT string_agg('w' || floor(exp(random() * ln($5::float8)))::int, ' ') AS words
                   FROM generate_series(1, 6 + (g % 10)) WHERE g >= 0
               ) w
               CROSS JOIN LATERAL (SELECT floor(exp(random() * ln($6::float8)))::int AS k WHERE g >= 0) t
               JOIN accounts a ON a.handle = 'u' || ((g * 7919) % $7::int)
               JOIN accounts a2 ON a2.handle = 'u' || ((g * 104729 + 17) % $7::int)
           ) generated`,
        [from, to, firstMs, SNOWFLAKE_EPOCH_MS, VOCABULARY, TAGS, accounts],
      );
    });
    say(`search corpus: ${to.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} tweets`);
  }
  await sql.query('VACUUM ANALYZE tweets');
  return (performance.now() - started) / 1_000;
}

export type SearchKind =
  | 'frequent word'
  | 'rare word'
  | 'two words'
  | 'phrase'
  | 'hashtag'
  | 'mention'
  | 'hashtag + word';

/** Queries of each kind, with terms drawn like the corpus's (so frequent terms come up as often as they occur). */
export function searchQueries(
  perKind: number,
  seed: number,
  accounts: number,
): Array<{ kind: SearchKind; q: string }> {
  const random = seeded(seed).next;
  const word = (max = VOCABULARY) => `w${Math.floor(Math.exp(random() * Math.log(max)))}`;
  const rare = () => `w${VOCABULARY - 1 - Math.floor(random() * 1_000)}`;
  const tag = () => `#tag${Math.floor(Math.exp(random() * Math.log(TAGS)))}`;
  const kinds: Record<SearchKind, () => string> = {
    'frequent word': () => word(20),
    'rare word': rare,
    'two words': () => `${word()} ${word()}`,
    phrase: () => `"${word(50)} ${word(50)}"`,
    hashtag: tag,
    mention: () => `@u${Math.floor(random() * accounts)}`,
    'hashtag + word': () => `${tag()} ${word()}`,
  };
  const out: Array<{ kind: SearchKind; q: string }> = [];
  for (let i = 0; i < perKind; i++) {
    for (const [kind, make] of Object.entries(kinds)) out.push({ kind: kind as SearchKind, q: make() });
  }
  return out;
}
