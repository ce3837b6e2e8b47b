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
import { enqueueForAuthor } from './fanout-modes.js';
import { changeWithEvent } from './outbox.js';
import { TWEET_COLUMNS, type TweetRow, toTweet, windowEntries } from './rows.js';
import {
  idParam,
  idsParam,
  type SqlClient,
  type SqlExecutor,
  toBigInt,
  windowOrder,
  windowParams,
  windowPredicate,
} from './sql-client.js';
import { rebuildTimeline } from './timeline-rebuild.js';
import { createTweet } from './tweet-create.js';
import { SqlTweetEngagement } from './tweet-engagement.js';

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

/**
 * The TweetStore port on SQL. Its larger parts live beside it: posting (tweet-create.ts, with the idempotency key),
 * the timeline rebuild (timeline-rebuild.ts), likes and counters (tweet-engagement.ts).
 */
export class SqlTweetStore implements TweetStore {
  private readonly engagements: SqlTweetEngagement;

  /**
   * `reads` takes the read-only lookups of the read path — hydration, pulls and rebuilds — and may be a replica
   * (replica-routing.ts); everything that writes, and what the writers read, stays on `db`.
   */
  constructor(
    private readonly db: SqlClient,
    private readonly reads: SqlExecutor = db,
  ) {
    this.engagements = new SqlTweetEngagement(db);
  }

  /** See createTweet (tweet-create.ts): one statement, or a transaction with an idempotency key or images. */
  create(tweet: NewTweet, event: AuthorEvent, idempotency?: IdempotencyClaim): Promise<CreateOutcome | null> {
    return createTweet(this.db, tweet, event, idempotency);
  }

  async byIds(ids: readonly bigint[]): Promise<Map<bigint, Tweet>> {
    if (ids.length === 0) return new Map();
    const rows = await this.reads.query<TweetRow>(
      `SELECT ${TWEET_COLUMNS} FROM tweets t WHERE t.id = ANY($1::bigint[])`,
      [idsParam([...new Set(ids)])],
    );
    return new Map(rows.map((row) => [toBigInt(row.id), toTweet(row)]));
  }

  async markDeleted(authorId: bigint, tweetId: bigint, event: AuthorEvent): Promise<boolean> {
    const deleted = await changeWithEvent(
      this.db,
      `UPDATE tweets SET status = 'DELETED'
        WHERE id = $1::bigint AND author_id = $2::bigint AND status = 'ACTIVE' RETURNING 1`,
      [idParam(tweetId), idParam(authorId)],
      (tx) => enqueueForAuthor(tx, event),
    );
    return deleted !== null;
  }

  async byAuthors(authorIds: readonly bigint[], window: IdWindow): Promise<TimelineEntry[]> {
    if (authorIds.length === 0) return [];
    return windowEntries(
      this.reads,
      recentOf('SELECT DISTINCT unnest($1::bigint[]) AS author_id', windowOrder(window)),
      [idsParam(authorIds), ...windowParams(window)],
      window,
    );
  }

  async home(readerId: bigint, window: IdWindow): Promise<TimelineEntry[]> {
    return windowEntries(
      this.reads,
      recentOf(
        'SELECT followee_id AS author_id FROM follows WHERE follower_id = $1::bigint UNION ALL SELECT $1::bigint',
        windowOrder(window),
      ),
      [idParam(readerId), ...windowParams(window)],
      window,
    );
  }

  rebuild(query: RebuildQuery): Promise<RebuiltTimeline> {
    return rebuildTimeline(this.reads, query);
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

  async undoRetweet(
    authorId: bigint,
    originalId: bigint,
    eventFor: (retweetId: bigint) => AuthorEvent,
  ): Promise<bigint | null> {
    const undone = await changeWithEvent<{ id: unknown }>(
      this.db,
      `UPDATE tweets SET status = 'DELETED'
        WHERE author_id = $1::bigint AND retweet_of_id = $2::bigint AND status = 'ACTIVE' RETURNING id`,
      [idParam(authorId), idParam(originalId)],
      (tx, row) => enqueueForAuthor(tx, eventFor(toBigInt(row.id))),
    );
    return undone ? toBigInt(undone.id) : null;
  }

  like(like: NewLike, event: OutboxEntry): Promise<LikeOutcome> {
    return this.engagements.like(like, event);
  }

  unlike(accountId: bigint, tweetId: bigint, eventFor: (counted: boolean) => OutboxEntry): Promise<boolean> {
    return this.engagements.unlike(accountId, tweetId, eventFor);
  }
  async replies(tweetId: bigint, window: IdWindow): Promise<TimelineEntry[]> {
    return windowEntries(
      this.db,
      `SELECT id, author_id FROM tweets
        WHERE reply_to_id = $1::bigint AND status = 'ACTIVE' AND ${windowPredicate('id', 2)}
        ORDER BY id ${windowOrder(window)} LIMIT $4`,
      [idParam(tweetId), ...windowParams(window)],
      window,
    );
  }

  async mentioning(accountId: bigint, window: IdWindow): Promise<TimelineEntry[]> {
    return windowEntries(
      this.db,
      `SELECT t.id, t.author_id FROM tweet_mentions m JOIN tweets t ON t.id = m.tweet_id
        WHERE m.account_id = $1::bigint AND t.status = 'ACTIVE' AND ${windowPredicate('m.tweet_id', 2)}
        ORDER BY m.tweet_id ${windowOrder(window)} LIMIT $4`,
      [idParam(accountId), ...windowParams(window)],
      window,
    );
  }

  engagement(tweetIds: readonly bigint[], viewerId: bigint | null): Promise<Map<bigint, Engagement>> {
    return this.engagements.engagement(tweetIds, viewerId);
  }
}
