import type { OutboxEntry } from '../../ports/outbox.js';
import type { Engagement, LikeOutcome, NewLike } from '../../ports/tweet-store.js';
import { deleteCounted, enqueue } from './outbox.js';
import { idParam, idsParam, type SqlClient, toBigInt, toNumber } from './sql-client.js';

/** Likes and the live counters beside them: the engagement half of the TweetStore port. */
export class SqlTweetEngagement {
  constructor(private readonly db: SqlClient) {}

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
    return deleteCounted(
      this.db,
      'DELETE FROM likes WHERE account_id = $1::bigint AND tweet_id = $2::bigint RETURNING counted',
      [idParam(accountId), idParam(tweetId)],
      eventFor,
    );
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
