import type { Tweet } from '../../domain/model.js';
import type { AuthorEvent } from '../../ports/outbox.js';
import type { CreateOutcome, IdempotencyClaim, NewTweet } from '../../ports/tweet-store.js';
import { authorOutboxCte, authorOutboxNotify, authorOutboxParams } from './fanout-modes.js';
import { ACCOUNT_COLUMNS, type AccountRow, toAccount } from './rows.js';
import { searchDocument } from './search-document.js';
import { idParam, idsParam, type SqlClient, type SqlExecutor, toBigInt } from './sql-client.js';
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
 * Posts a tweet. One statement writes the tweet, its mentions, hashtags and search document, and its outbox row (on
 * the stream the author's fanout mode routes it to) — atomic without a transaction, in one round trip, and nothing is
 * written when the tweet replies to one that is not active. It returns what a read would: the handles it linked and
 * the tags, in the order TWEET_COLUMNS (rows.ts) gives them. With an idempotency key, the key is claimed first, in a transaction
 * with it; with images, they are locked first and attached after, in a transaction too.
 */
export function createTweet(
  db: SqlClient,
  tweet: NewTweet,
  event: AuthorEvent,
  idempotency?: IdempotencyClaim,
): Promise<CreateOutcome | null> {
  const write = async (tx: SqlExecutor): Promise<CreateOutcome | null> => {
    const media = await lockMedia(tx, tweet.authorId, tweet.mediaIds, tweet.id);
    const [row] = await tx.query<{
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
    await attachMedia(tx, tweet.mediaIds, tweet.id);
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
  if (!idempotency && tweet.mediaIds.length === 0) return write(db);
  return db.transaction(async (tx): Promise<CreateOutcome | null> => {
    const earlier = idempotency ? await claimKey(tx, tweet, idempotency) : null;
    if (earlier) return earlier;
    return write(tx);
  });
}
