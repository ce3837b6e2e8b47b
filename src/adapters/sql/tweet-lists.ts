import type { IdWindow, TimelineEntry } from '../../domain/model.js';
import type { AccountListFilter, ActorListItem, TweetLists } from '../../ports/tweet-lists.js';
import { windowEntries } from './rows.js';
import {
  idParam,
  newestFirst,
  type SqlExecutor,
  toBigInt,
  windowOrder,
  windowParams,
  windowPredicate,
} from './sql-client.js';

interface ActorRow {
  account_id: unknown;
  id: unknown;
}

/** Thread walks stop this deep, whatever the data: a cycle cannot be made, but a runaway walk costs nothing then. */
const MAX_DEPTH = 1_000;
/** Replies a descendants walk reads at most, nearest levels first, before it orders and cuts them. */
const MAX_WALKED = 10_000;

export class SqlTweetLists implements TweetLists {
  constructor(private readonly db: SqlExecutor) {}

  private entries(sql: string, params: unknown[], window: IdWindow): Promise<TimelineEntry[]> {
    return windowEntries(this.db, sql, params, window);
  }

  account(authorId: bigint, filter: AccountListFilter, window: IdWindow): Promise<TimelineEntry[]> {
    // $1 author, $2/$3 bounds, $4 limit, $5 exclude replies, $6 exclude retweets, $7 hashtag (null: any), $8 only
    // tweets with images.
    return this.entries(
      `SELECT t.id, t.author_id FROM tweets t
        WHERE t.author_id = $1::bigint AND t.status = 'ACTIVE' AND ${windowPredicate('t.id', 2)}
          AND (NOT $5::boolean OR t.reply_to_id IS NULL
               OR EXISTS (SELECT 1 FROM tweets p WHERE p.id = t.reply_to_id AND p.author_id = t.author_id))
          AND (NOT $6::boolean OR t.retweet_of_id IS NULL)
          AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM tweet_hashtags h WHERE h.tweet_id = t.id AND h.tag = $7))
          AND (NOT $8::boolean OR t.media_ids <> '{}')
        ORDER BY t.id ${windowOrder(window)} LIMIT $4`,
      [
        idParam(authorId),
        ...windowParams(window),
        filter.excludeReplies,
        filter.excludeReblogs,
        filter.tagged ?? null,
        filter.onlyMedia ?? false,
      ],
      window,
    );
  }

  public(window: IdWindow): Promise<TimelineEntry[]> {
    return this.entries(
      `SELECT id, author_id FROM tweets
        WHERE status = 'ACTIVE' AND visibility = 'public' AND retweet_of_id IS NULL AND ${windowPredicate('id', 1)}
        ORDER BY id ${windowOrder(window)} LIMIT $3`,
      windowParams(window),
      window,
    );
  }

  tagged(tag: string, window: IdWindow): Promise<TimelineEntry[]> {
    return this.entries(
      `SELECT t.id, t.author_id FROM tweet_hashtags h JOIN tweets t ON t.id = h.tweet_id
        WHERE h.tag = $1 AND t.status = 'ACTIVE' AND t.visibility = 'public' AND ${windowPredicate('h.tweet_id', 2)}
        ORDER BY h.tweet_id ${windowOrder(window)} LIMIT $4`,
      [tag, ...windowParams(window)],
      window,
    );
  }

  async ancestors(tweetId: bigint, limit: number): Promise<bigint[]> {
    // The nearest `limit` of them, as Mastodon keeps: a reply always shows what it answers, however deep the thread.
    const rows = await this.db.query<{ id: unknown }>(
      `WITH RECURSIVE up (id, parent, depth) AS (
         SELECT p.id, p.reply_to_id, 1 FROM tweets t JOIN tweets p ON p.id = t.reply_to_id WHERE t.id = $1::bigint
         UNION ALL
         SELECT p.id, p.reply_to_id, up.depth + 1 FROM up JOIN tweets p ON p.id = up.parent
          WHERE up.depth < $2
       )
       SELECT id FROM up ORDER BY depth LIMIT $2`,
      [idParam(tweetId), Math.min(limit, MAX_DEPTH)],
    );
    return rows.map((row) => toBigInt(row.id)).reverse();
  }

  async descendants(tweetId: bigint, limit: number): Promise<bigint[]> {
    // The path of ids from the top orders the thread depth first, each level oldest first. The walk goes level by
    // level and stops after `MAX_WALKED` replies (a scan of the CTE stops its recursion), so a post with a vast tree
    // below it costs a bounded walk: what is shown is the nearest part of the tree, in thread order.
    const rows = await this.db.query<{ id: unknown }>(
      `WITH RECURSIVE down (id, path) AS (
         SELECT id, ARRAY[id] FROM tweets WHERE reply_to_id = $1::bigint AND status = 'ACTIVE'
         UNION ALL
         SELECT r.id, down.path || r.id FROM down JOIN tweets r ON r.reply_to_id = down.id
          WHERE r.status = 'ACTIVE' AND cardinality(down.path) < $3
       )
       SELECT id FROM (SELECT id, path FROM down LIMIT $4) walked ORDER BY path LIMIT $2`,
      [idParam(tweetId), limit, MAX_DEPTH, Math.max(limit, MAX_WALKED)],
    );
    return rows.map((row) => toBigInt(row.id));
  }

  private async actors(sql: string, tweetId: bigint, window: IdWindow): Promise<ActorListItem[]> {
    const rows = await this.db.query<ActorRow>(sql, [idParam(tweetId), ...windowParams(window)]);
    return newestFirst(rows, window).map((row) => ({
      accountId: toBigInt(row.account_id),
      id: toBigInt(row.id),
    }));
  }

  likers(tweetId: bigint, window: IdWindow): Promise<ActorListItem[]> {
    return this.actors(
      `SELECT account_id, id FROM likes WHERE tweet_id = $1::bigint AND ${windowPredicate('id', 2)}
        ORDER BY id ${windowOrder(window)} LIMIT $4`,
      tweetId,
      window,
    );
  }

  retweeters(tweetId: bigint, window: IdWindow): Promise<ActorListItem[]> {
    return this.actors(
      `SELECT author_id AS account_id, id FROM tweets
        WHERE retweet_of_id = $1::bigint AND status = 'ACTIVE' AND ${windowPredicate('id', 2)}
        ORDER BY id ${windowOrder(window)} LIMIT $4`,
      tweetId,
      window,
    );
  }
}
