import type { RebuildQuery, RebuiltTimeline } from '../../ports/tweet-store.js';
import { isPulledSql, NOT_PUSHED } from './fanout-modes.js';
import { type EntryRow, toEntry } from './rows.js';
import { idParam, type SqlExecutor, toBigInt } from './sql-client.js';

/**
 * One bounded statement that rebuilds a reader's cached timeline: the newest tweets of the pushed authors they follow
 * (and their own) down to a floor, the followees they pull, and their recent likes and retweets.
 */
export async function rebuildTimeline(
  db: SqlExecutor,
  { readerId, perAuthor, limit, engagementFrom }: RebuildQuery,
): Promise<RebuiltTimeline> {
  // The floor is the newest "last row" of any author whose per-author bound was reached: below it that author may
  // have more tweets than were read, so entries below it are dropped rather than cached with a gap. Pulled authors
  // come from their partial index (a handful of rows), not from a join that would scan every account; the same
  // statement names the followees the reader pulls, in one more row.
  const rows = await db.query<
    EntryRow & {
      floor: unknown;
      pulled: unknown[] | null;
      liked: unknown[] | null;
      retweeted: unknown[] | null;
    }
  >(
    `WITH sources AS (
       SELECT f.followee_id AS author_id FROM follows f
        WHERE f.follower_id = $1::bigint AND f.followee_id NOT IN (${NOT_PUSHED})
       UNION ALL SELECT $1::bigint
     ), recent AS (
       SELECT t.id, t.author_id, t.rn FROM sources s
       CROSS JOIN LATERAL (
         SELECT id, author_id, row_number() OVER (ORDER BY id DESC) AS rn FROM (
           SELECT id, author_id FROM tweets WHERE author_id = s.author_id AND status = 'ACTIVE'
            ORDER BY id DESC LIMIT $2
         ) newest
       ) t
     )
     (SELECT id, author_id, (SELECT max(id) FROM recent WHERE rn = $2) AS floor, NULL::bigint[] AS pulled,
             NULL::bigint[] AS liked, NULL::bigint[] AS retweeted
        FROM recent ORDER BY id DESC LIMIT $3)
     UNION ALL
     SELECT NULL, NULL, NULL,
       ARRAY(SELECT f.followee_id FROM follows f
              WHERE f.follower_id = $1::bigint
                AND f.followee_id IN (SELECT id FROM accounts WHERE ${isPulledSql('fanout_mode')})),
       ARRAY(SELECT tweet_id FROM likes WHERE account_id = $1::bigint AND tweet_id >= $4::bigint),
       ARRAY(SELECT retweet_of_id FROM tweets
              WHERE author_id = $1::bigint AND retweet_of_id IS NOT NULL AND status = 'ACTIVE'
                AND retweet_of_id >= $4::bigint)`,
    [idParam(readerId), perAuthor, limit, idParam(engagementFrom)],
  );
  const pulledRow = rows.find((row) => row.pulled !== null);
  const entryRows = rows.filter((row) => row.pulled === null);
  let floor = entryRows[0]?.floor == null ? 0n : toBigInt(entryRows[0].floor);
  const last = entryRows.at(-1);
  if (entryRows.length === limit && last) floor = floor > toBigInt(last.id) ? floor : toBigInt(last.id);
  const entries = entryRows.map(toEntry).filter((e) => e.tweetId >= floor);
  return {
    entries,
    floor,
    pulled: (pulledRow?.pulled ?? []).map(toBigInt),
    liked: (pulledRow?.liked ?? []).map(toBigInt),
    retweeted: (pulledRow?.retweeted ?? []).map(toBigInt),
  };
}
