import type { FanoutMode } from '../../domain/fanout-mode.js';
import type { IdWindow } from '../../domain/model.js';
import type { FollowEdge, FollowListItem, FollowSuggestion, GraphStore } from '../../ports/graph-store.js';
import type { OutboxEntry } from '../../ports/outbox.js';
import { modeForNewFollow } from './fanout-modes.js';
import { deleteCounted, enqueue } from './outbox.js';
import {
  idParam,
  idsParam,
  newestFirst,
  type SqlClient,
  toBigInt,
  windowOrder,
  windowParams,
  windowPredicate,
} from './sql-client.js';

interface ListRow {
  account_id: unknown;
  id: unknown;
}

/** How many of an account's newest follows suggestions look through: enough to find their friends, bounded. */
const SUGGESTION_SOURCES = 200;

const toListItem = (row: ListRow): FollowListItem => ({
  accountId: toBigInt(row.account_id),
  followId: toBigInt(row.id),
});

export class SqlGraphStore implements GraphStore {
  constructor(private readonly db: SqlClient) {}

  follow(edge: FollowEdge, event: OutboxEntry): Promise<FanoutMode | null> {
    return this.db.transaction(async (tx) => {
      const mode = await modeForNewFollow(tx, edge.followeeId);
      const inserted = await tx.query(
        `INSERT INTO follows (follower_id, followee_id, id, created_at) VALUES ($1::bigint, $2::bigint, $3::bigint, $4)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [idParam(edge.followerId), idParam(edge.followeeId), idParam(edge.id), edge.createdAt],
      );
      if (inserted.length === 0) return null;
      await enqueue(tx, event);
      return mode;
    });
  }

  unfollow(
    followerId: bigint,
    followeeId: bigint,
    eventFor: (counted: boolean) => OutboxEntry,
  ): Promise<boolean> {
    return deleteCounted(
      this.db,
      'DELETE FROM follows WHERE follower_id = $1::bigint AND followee_id = $2::bigint RETURNING counted',
      [idParam(followerId), idParam(followeeId)],
      eventFor,
    );
  }

  async followerIds(followeeId: bigint, after: bigint | null, limit: number): Promise<bigint[]> {
    const rows = await this.db.query<{ follower_id: unknown }>(
      `SELECT follower_id FROM follows WHERE followee_id = $1::bigint AND follower_id > $2::bigint
       ORDER BY follower_id LIMIT $3`,
      [idParam(followeeId), idParam(after ?? -1n), limit],
    );
    return rows.map((row) => toBigInt(row.follower_id));
  }

  followers(accountId: bigint, window: IdWindow): Promise<FollowListItem[]> {
    return this.list('follower_id', 'followee_id', accountId, window);
  }

  following(accountId: bigint, window: IdWindow): Promise<FollowListItem[]> {
    return this.list('followee_id', 'follower_id', accountId, window);
  }

  /** One side of an account's edges (`listed`, where the other side is `accountId`), paged by edge id. */
  private async list(
    listed: 'follower_id' | 'followee_id',
    side: 'follower_id' | 'followee_id',
    accountId: bigint,
    window: IdWindow,
  ): Promise<FollowListItem[]> {
    const rows = await this.db.query<ListRow>(
      `SELECT ${listed} AS account_id, id FROM follows
        WHERE ${side} = $1::bigint AND ${windowPredicate('id', 2)}
        ORDER BY id ${windowOrder(window)} LIMIT $4`,
      [idParam(accountId), ...windowParams(window)],
    );
    return newestFirst(rows, window).map(toListItem);
  }

  /** The subset of `candidates` that follow `followeeId`. */
  followersAmong(followeeId: bigint, candidates: readonly bigint[]): Promise<Set<bigint>> {
    return this.among('follower_id', 'followee_id', followeeId, candidates);
  }

  followedAmong(followerId: bigint, candidates: readonly bigint[]): Promise<Set<bigint>> {
    return this.among('followee_id', 'follower_id', followerId, candidates);
  }

  /** The `candidates` on the `listed` side of an edge whose other side is `accountId`. */
  private async among(
    listed: 'follower_id' | 'followee_id',
    side: 'follower_id' | 'followee_id',
    accountId: bigint,
    candidates: readonly bigint[],
  ): Promise<Set<bigint>> {
    if (candidates.length === 0) return new Set();
    const rows = await this.db.query<{ account_id: unknown }>(
      `SELECT ${listed} AS account_id FROM follows WHERE ${side} = $1::bigint AND ${listed} = ANY($2::bigint[])`,
      [idParam(accountId), idsParam(candidates)],
    );
    return new Set(rows.map((row) => toBigInt(row.account_id)));
  }

  async suggestions(accountId: bigint, limit: number): Promise<FollowSuggestion[]> {
    const rows = await this.db.query<{ account_id: unknown; reason: string }>(
      `WITH mine AS (
         SELECT followee_id FROM follows WHERE follower_id = $1::bigint ORDER BY id DESC LIMIT $3
       ),
       excluded AS (
         SELECT followee_id AS id FROM follows WHERE follower_id = $1::bigint UNION SELECT $1::bigint
       ),
       friends AS (
         SELECT f.followee_id AS account_id, count(*) AS n FROM follows f
          WHERE f.follower_id IN (SELECT followee_id FROM mine)
            AND f.followee_id NOT IN (SELECT id FROM excluded)
          GROUP BY f.followee_id ORDER BY n DESC, f.followee_id LIMIT $2
       ),
       popular AS (
         SELECT a.id AS account_id, a.followers_count FROM accounts a
          WHERE a.followers_count > 0
            AND a.id NOT IN (SELECT id FROM excluded) AND a.id NOT IN (SELECT account_id FROM friends)
          ORDER BY a.followers_count DESC, a.id LIMIT $2
       )
       SELECT account_id, reason FROM (
         SELECT account_id, 'friends_of_friends' AS reason, 0 AS rank, n AS score FROM friends
         UNION ALL
         SELECT account_id, 'most_followed', 1, followers_count FROM popular
       ) picked ORDER BY rank, score DESC, account_id LIMIT $2`,
      [idParam(accountId), limit, SUGGESTION_SOURCES],
    );
    return rows.map((row) => ({
      accountId: toBigInt(row.account_id),
      reason: row.reason === 'friends_of_friends' ? 'friends_of_friends' : 'most_followed',
    }));
  }
}
