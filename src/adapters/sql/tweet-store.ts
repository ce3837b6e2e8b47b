import type { IdWindow, TimelineEntry, Tweet } from '../../domain/model.js';
import type { AuthorEvent, OutboxEntry } from '../../ports/outbox.js';
import type {
  CreateOutcome,
  Engagement,
  IdempotencyClaim,
  LikeOutcome,
  NewLike,
  NewRetweet,
  NewTweet,
  RebuildQuery,
  RebuiltTimeline,
  TweetStore,
} from '../../ports/tweet-store.js';
import {
  authorOutboxCte,
  authorOutboxNotify,
  authorOutboxParams,
  enqueueForAuthor,
  isPulledSql,
  NOT_PUSHED,
} from './fanout-modes.js';
import { enqueue } from './outbox.js';
import {
  ACCOUNT_COLUMNS,
  type AccountRow,
  type EntryRow,
  TWEET_COLUMNS,
  type TweetRow,
  toAccount,
  toEntry,
  toTweet,
} from './rows.js';
import { searchDocument } from './search-document.js';
import {
  idParam,
  idsParam,
  newestFirst,
  type SqlClient,
  type SqlExecutor,
  toBigInt,
  toNumber,
  windowOrder,
  windowParams,
  windowPredicate,
} from './sql-client.js';
import { attachMedia, lockMedia } from './tweet-media.js';

/**
 * Claims an idempotency key for this tweet, first thing in its transaction. A concurrent request holding the same key
 * makes this wait until it commits; then the key is taken and the earlier tweet is returned instead. A key older
 * than its time to live is claimed afresh.
 */
async function claimKey(
  tx: SqlExecutor,
  tweet: NewTweet,
  claim: IdempotencyClaim,
): Promise<CreateOutcome | null> {
  const author = idParam(tweet.authorId);
  const claimed = await tx.query(
    `INSERT INTO idempotency_keys (author_id, key, request_hash, tweet_id, created_at)
     VALUES ($1::bigint, $2, $3, $4::bigint, $5)
     ON CONFLICT (author_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, tweet_id = EXCLUDED.tweet_id, created_at = EXCLUDED.created_at
       WHERE idempotency_keys.created_at < $6
     RETURNING 1`,
    [
      author,
      claim.key,
      claim.requestHash,
      idParam(tweet.id),
      tweet.createdAt,
      new Date(tweet.createdAt.getTime() - claim.keyTtlMs),
    ],
  );
  if (claimed.length > 0) return null;
  const [earlier] = await tx.query<{ tweet_id: unknown; request_hash: string }>(
    'SELECT tweet_id, request_hash FROM idempotency_keys WHERE author_id = $1::bigint AND key = $2',
    [author, claim.key],
  );
  if (!earlier) throw new Error('idempotency key vanished while it was held');
  return { created: false, tweetId: toBigInt(earlier.tweet_id), requestHash: earlier.request_hash };
}

/** A new tweet's search document from its parameters: $3 text, $7 hashtags, $8 mentioned handles, $11 visibility. */
const SEARCH_DOCUMENT = searchDocument('$3', '$7::text[]', '$8::text[]', '$11');

/** The accounts a new tweet mentions ($8, lower-cased handles), as JSON rows: ids as text, to keep all 64 bits. */
const MENTIONED_ACCOUNTS = `SELECT ${ACCOUNT_COLUMNS.replace('a.id,', 'a.id::text AS id,')}
    FROM accounts a WHERE lower(a.handle) = ANY($8::text[])`;

/**
 * The newest active tweets of a set of authors: each author's index range is read separately (LATERAL, at most
 * `limit` rows each), then merged. $1 is the authors' query; $2/$3 bound the ids; $4 is the limit.
 */
const recentOf = (authors: string, order: 'ASC' | 'DESC') => `
  SELECT t.id, t.author_id FROM (${authors}) s
  CROSS JOIN LATERAL (
    SELECT id, author_id FROM tweets
     WHERE author_id = s.author_id AND status = 'ACTIVE' AND ${windowPredicate('id', 2)}
     ORDER BY id ${order} LIMIT $4
  ) t
  ORDER BY t.id ${order} LIMIT $4`;

export class SqlTweetStore implements TweetStore {
  /**
   * `reads` takes the read-only lookups of the read path — hydration, pulls and rebuilds — and may be a replica
   * (replica-routing.ts); everything that writes, and what the writers read, stays on `db`.
   */
  constructor(
    private readonly db: SqlClient,
    private readonly reads: SqlExecutor = db,
  ) {}

  /**
   * One statement writes the tweet, its mentions, hashtags and search document, and its outbox row (on the stream the
   * author's fanout mode routes it to) — atomic without a transaction, in one round trip, and nothing is written when
   * the tweet replies to one that is not active. It returns what a read would: the handles it linked and the tags, in
   * the order {@link TWEET_COLUMNS} gives them. With an idempotency key, the key is claimed first, in a transaction
   * with it; with images, they are locked first and attached after, in a transaction too.
   */
  create(tweet: NewTweet, event: AuthorEvent, idempotency?: IdempotencyClaim): Promise<CreateOutcome | null> {
    const write = async (db: SqlExecutor): Promise<CreateOutcome | null> => {
      const media = await lockMedia(db, tweet.authorId, tweet.mediaIds, tweet.id);
      const [row] = await db.query<{
        created: boolean;
        mentioned: AccountRow[];
        hashtags: string[];
        reply_to_author_id: unknown;
      }>(
        `WITH tweet AS (
           INSERT INTO tweets (id, author_id, text, reply_to_id, retweet_of_id, created_at, search,
                               visibility, language, spoiler_text, sensitive, media_ids)
           SELECT $1::bigint, $2::bigint, $3, $4::bigint, $5::bigint, $6, ${SEARCH_DOCUMENT}, $11, $12, $13, $14,
                  $15::bigint[]
            WHERE $4::bigint IS NULL OR EXISTS (SELECT 1 FROM tweets WHERE id = $4::bigint AND status = 'ACTIVE')
           RETURNING id
         ), mentions AS (
           INSERT INTO tweet_mentions (tweet_id, account_id)
           SELECT tweet.id, a.id FROM tweet, accounts a WHERE lower(a.handle) = ANY($8::text[]) ON CONFLICT DO NOTHING
         ), hashtags AS (
           INSERT INTO tweet_hashtags (tweet_id, tag) SELECT tweet.id, tag FROM tweet, unnest($7::text[]) tag
           ON CONFLICT DO NOTHING
         ), ${authorOutboxCte(9, '$2::bigint', 'tweet')}
         SELECT EXISTS (SELECT 1 FROM tweet) AS created,
                (SELECT coalesce(json_agg(m ORDER BY m.id::bigint), '[]') FROM (${MENTIONED_ACCOUNTS}) m) AS mentioned,
                (SELECT p.author_id FROM tweets p WHERE p.id = $4::bigint) AS reply_to_author_id,
                ARRAY(SELECT DISTINCT tag FROM unnest($7::text[]) tag ORDER BY tag) AS hashtags,
                (${authorOutboxNotify(9)}) AS notified`,
        [
          idParam(tweet.id),
          idParam(tweet.authorId),
          tweet.text,
          tweet.replyToId === null ? null : idParam(tweet.replyToId),
          tweet.retweetOfId === null ? null : idParam(tweet.retweetOfId),
          tweet.createdAt,
          tweet.hashtags,
          tweet.mentions,
          ...authorOutboxParams(event),
          tweet.visibility,
          tweet.language,
          tweet.spoilerText,
          tweet.sensitive,
          idsParam(tweet.mediaIds),
        ],
      );
      if (!row?.created) return null;
      await attachMedia(db, tweet.mediaIds, tweet.id);
      const mentioned = row.mentioned.map(toAccount);
      const written: Tweet = {
        id: tweet.id,
        authorId: tweet.authorId,
        text: tweet.text,
        status: 'ACTIVE',
        replyToId: tweet.replyToId,
        replyToAuthorId: row.reply_to_author_id == null ? null : toBigInt(row.reply_to_author_id),
        retweetOfId: tweet.retweetOfId,
        visibility: tweet.visibility,
        language: tweet.language,
        spoilerText: tweet.spoilerText,
        sensitive: tweet.sensitive,
        likeCount: 0,
        retweetCount: 0,
        replyCount: 0,
        createdAt: tweet.createdAt,
        mentionIds: mentioned.map((a) => a.id),
        hashtags: row.hashtags,
        media,
        editedAt: null,
      };
      return { created: true, tweet: written, mentioned };
    };
    if (!idempotency && tweet.mediaIds.length === 0) return write(this.db);
    return this.db.transaction(async (tx): Promise<CreateOutcome | null> => {
      const earlier = idempotency ? await claimKey(tx, tweet, idempotency) : null;
      if (earlier) return earlier;
      return write(tx);
    });
  }

  async byIds(ids: readonly bigint[]): Promise<Map<bigint, Tweet>> {
    if (ids.length === 0) return new Map();
    const rows = await this.reads.query<TweetRow>(
      `SELECT ${TWEET_COLUMNS} FROM tweets t WHERE t.id = ANY($1::bigint[])`,
      [idsParam([...new Set(ids)])],
    );
    return new Map(rows.map((row) => [toBigInt(row.id), toTweet(row)]));
  }

  markDeleted(authorId: bigint, tweetId: bigint, event: AuthorEvent): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const updated = await tx.query(
        `UPDATE tweets SET status = 'DELETED'
          WHERE id = $1::bigint AND author_id = $2::bigint AND status = 'ACTIVE' RETURNING 1`,
        [idParam(tweetId), idParam(authorId)],
      );
      if (updated.length === 0) return false;
      await enqueueForAuthor(tx, event);
      return true;
    });
  }

  async byAuthors(authorIds: readonly bigint[], window: IdWindow): Promise<TimelineEntry[]> {
    if (authorIds.length === 0) return [];
    const rows = await this.reads.query<EntryRow>(
      recentOf('SELECT DISTINCT unnest($1::bigint[]) AS author_id', windowOrder(window)),
      [idsParam(authorIds), ...windowParams(window)],
    );
    return newestFirst(rows, window).map(toEntry);
  }

  async home(readerId: bigint, window: IdWindow): Promise<TimelineEntry[]> {
    const rows = await this.reads.query<EntryRow>(
      recentOf(
        'SELECT followee_id AS author_id FROM follows WHERE follower_id = $1::bigint UNION ALL SELECT $1::bigint',
        windowOrder(window),
      ),
      [idParam(readerId), ...windowParams(window)],
    );
    return newestFirst(rows, window).map(toEntry);
  }

  async rebuild({ readerId, perAuthor, limit, engagementFrom }: RebuildQuery): Promise<RebuiltTimeline> {
    // The floor is the newest "last row" of any author whose per-author bound was reached: below it that author may
    // have more tweets than were read, so entries below it are dropped rather than cached with a gap. Pulled authors
    // come from their partial index (a handful of rows), not from a join that would scan every account; the same
    // statement names the followees the reader pulls, in one more row.
    const rows = await this.reads.query<
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

  retweet(retweet: NewRetweet, event: AuthorEvent): Promise<{ created: boolean; tweetId: bigint } | null> {
    return this.db.transaction(async (tx) => {
      const [author, original] = [idParam(retweet.authorId), idParam(retweet.retweetOfId)];
      // The partial unique index admits one live retweet per account and original; a concurrent second one waits
      // for the first to commit, then inserts nothing and finds it.
      const inserted = await tx.query(
        `INSERT INTO tweets (id, author_id, text, retweet_of_id, created_at, search, visibility)
         SELECT $1::bigint, $2::bigint, '', $3::bigint, $4, ''::tsvector, $5
          WHERE EXISTS (SELECT 1 FROM tweets WHERE id = $3::bigint AND status = 'ACTIVE')
         ON CONFLICT (author_id, retweet_of_id) WHERE retweet_of_id IS NOT NULL AND status = 'ACTIVE' DO NOTHING
         RETURNING 1`,
        [idParam(retweet.id), author, original, retweet.createdAt, retweet.visibility],
      );
      if (inserted.length > 0) {
        await enqueueForAuthor(tx, event);
        return { created: true, tweetId: retweet.id };
      }
      const [existing] = await tx.query<{ id: unknown }>(
        `SELECT id FROM tweets WHERE author_id = $1::bigint AND retweet_of_id = $2::bigint AND status = 'ACTIVE'`,
        [author, original],
      );
      return existing ? { created: false, tweetId: toBigInt(existing.id) } : null;
    });
  }

  undoRetweet(
    authorId: bigint,
    originalId: bigint,
    eventFor: (retweetId: bigint) => AuthorEvent,
  ): Promise<bigint | null> {
    return this.db.transaction(async (tx) => {
      const [undone] = await tx.query<{ id: unknown }>(
        `UPDATE tweets SET status = 'DELETED'
          WHERE author_id = $1::bigint AND retweet_of_id = $2::bigint AND status = 'ACTIVE' RETURNING id`,
        [idParam(authorId), idParam(originalId)],
      );
      if (!undone) return null;
      const retweetId = toBigInt(undone.id);
      await enqueueForAuthor(tx, eventFor(retweetId));
      return retweetId;
    });
  }

  like({ id, accountId, tweetId, createdAt }: NewLike, event: OutboxEntry): Promise<LikeOutcome> {
    return this.db.transaction(async (tx) => {
      // A like racing the tweet's delete may land on the deleted tweet; nobody sees it there.
      const [target] = await tx.query<{ status: string }>('SELECT status FROM tweets WHERE id = $1::bigint', [
        idParam(tweetId),
      ]);
      if (target?.status !== 'ACTIVE') return 'missing';
      const inserted = await tx.query(
        `INSERT INTO likes (id, account_id, tweet_id, created_at) VALUES ($4::bigint, $1::bigint, $2::bigint, $3)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [idParam(accountId), idParam(tweetId), createdAt, idParam(id)],
      );
      if (inserted.length === 0) return 'already';
      await enqueue(tx, event);
      return 'liked';
    });
  }

  unlike(accountId: bigint, tweetId: bigint, eventFor: (counted: boolean) => OutboxEntry): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // After the row lock: a counting of this like that got there first has committed, and says so.
      const [deleted] = await tx.query<{ counted: boolean }>(
        'DELETE FROM likes WHERE account_id = $1::bigint AND tweet_id = $2::bigint RETURNING counted',
        [idParam(accountId), idParam(tweetId)],
      );
      if (!deleted) return false;
      await enqueue(tx, eventFor(deleted.counted));
      return true;
    });
  }

  async replies(tweetId: bigint, window: IdWindow): Promise<TimelineEntry[]> {
    const rows = await this.db.query<EntryRow>(
      `SELECT id, author_id FROM tweets
        WHERE reply_to_id = $1::bigint AND status = 'ACTIVE' AND ${windowPredicate('id', 2)}
        ORDER BY id ${windowOrder(window)} LIMIT $4`,
      [idParam(tweetId), ...windowParams(window)],
    );
    return newestFirst(rows, window).map(toEntry);
  }

  async mentioning(accountId: bigint, window: IdWindow): Promise<TimelineEntry[]> {
    const rows = await this.db.query<EntryRow>(
      `SELECT t.id, t.author_id FROM tweet_mentions m JOIN tweets t ON t.id = m.tweet_id
        WHERE m.account_id = $1::bigint AND t.status = 'ACTIVE' AND ${windowPredicate('m.tweet_id', 2)}
        ORDER BY m.tweet_id ${windowOrder(window)} LIMIT $4`,
      [idParam(accountId), ...windowParams(window)],
    );
    return newestFirst(rows, window).map(toEntry);
  }

  async engagement(tweetIds: readonly bigint[], viewerId: bigint | null): Promise<Map<bigint, Engagement>> {
    if (tweetIds.length === 0) return new Map();
    const rows = await this.db.query<{
      id: unknown;
      like_count: unknown;
      retweet_count: unknown;
      reply_count: unknown;
      counts_version: unknown;
      liked: boolean;
      retweeted: boolean;
    }>(
      `SELECT t.id, t.like_count, t.retweet_count, t.reply_count, t.counts_version,
              $2::bigint IS NOT NULL AND EXISTS (
                SELECT 1 FROM likes l WHERE l.account_id = $2::bigint AND l.tweet_id = t.id) AS liked,
              $2::bigint IS NOT NULL AND EXISTS (
                SELECT 1 FROM tweets r
                 WHERE r.author_id = $2::bigint AND r.retweet_of_id = t.id AND r.status = 'ACTIVE') AS retweeted
         FROM tweets t WHERE t.id = ANY($1::bigint[])`,
      [idsParam([...new Set(tweetIds)]), viewerId === null ? null : idParam(viewerId)],
    );
    return new Map(
      rows.map((row) => [
        toBigInt(row.id),
        {
          likeCount: toNumber(row.like_count),
          retweetCount: toNumber(row.retweet_count),
          replyCount: toNumber(row.reply_count),
          version: toNumber(row.counts_version),
          liked: row.liked,
          retweeted: row.retweeted,
        },
      ]),
    );
  }
}
