import type { FanoutMode } from '../../domain/model.js';
import type { FollowChange, FollowEdge, FollowListItem, GraphStore } from '../../ports/graph-store.js';
import type { OutboxEntry } from '../../ports/outbox.js';
import { enqueue } from './outbox.js';
import { idParam, idsParam, type SqlClient, toBigInt } from './sql-client.js';

interface ListRow {
  account_id: unknown;
  id: unknown;
}

const UNCHANGED: FollowChange = { changed: false, modeChanged: false };

const toListItem = (row: ListRow): FollowListItem => ({
  accountId: toBigInt(row.account_id),
  followId: toBigInt(row.id),
});

/**
 * When an author's tweets switch between push and pull. An author becomes a celebrity at `threshold` followers and
 * stops being one only below `threshold - margin`, so an author hovering at the threshold doesn't flap.
 */
export interface CelebrityRule {
  threshold: number;
  /** Followers below the threshold an author must fall to before being pushed again. */
  margin: number;
}

export class SqlGraphStore implements GraphStore {
  constructor(
    private readonly db: SqlClient,
    private readonly rule: CelebrityRule,
  ) {}

  follow(edge: FollowEdge, event: OutboxEntry): Promise<FollowChange> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO follows (follower_id, followee_id, id, created_at) VALUES ($1::bigint, $2::bigint, $3::bigint, $4)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [idParam(edge.followerId), idParam(edge.followeeId), idParam(edge.id), edge.createdAt],
      );
      if (inserted.length === 0) return UNCHANGED;
      const mode = await this.adjustCounts(tx, edge.followerId, edge.followeeId, 1);
      await enqueue(tx, event);
      return { changed: true, modeChanged: mode.before !== mode.after };
    });
  }

  unfollow(followerId: bigint, followeeId: bigint, event: OutboxEntry): Promise<FollowChange> {
    return this.db.transaction(async (tx) => {
      const deleted = await tx.query(
        'DELETE FROM follows WHERE follower_id = $1::bigint AND followee_id = $2::bigint RETURNING 1',
        [idParam(followerId), idParam(followeeId)],
      );
      if (deleted.length === 0) return UNCHANGED;
      const mode = await this.adjustCounts(tx, followerId, followeeId, -1);
      await enqueue(tx, event);
      if (mode.before === 'pull' && mode.after === 'demoting') {
        await enqueue(tx, { stream: 'fanout', event: { type: 'author.demoted', authorId: followeeId } });
      }
      return { changed: true, modeChanged: mode.before !== mode.after };
    });
  }

  /**
   * Counters move with the edge, in its transaction, so they are exact whatever the concurrency; the followee's
   * fanout mode moves with its count. Returns the followee's mode before and after.
   */
  private async adjustCounts(
    tx: Pick<SqlClient, 'query'>,
    followerId: bigint,
    followeeId: bigint,
    delta: 1 | -1,
  ): Promise<{ before: FanoutMode; after: FanoutMode }> {
    await tx.query('UPDATE accounts SET following_count = following_count + $2 WHERE id = $1::bigint', [
      idParam(followerId),
      delta,
    ]);
    // Locking the row first makes `before` exact even when follows of one account race.
    const locked = await tx.query<{ fanout_mode: FanoutMode }>(
      'SELECT fanout_mode FROM accounts WHERE id = $1::bigint FOR NO KEY UPDATE',
      [idParam(followeeId)],
    );
    const rows = await tx.query<{ after: FanoutMode }>(
      `UPDATE accounts SET followers_count = followers_count + $2,
         fanout_mode = CASE
           WHEN followers_count + $2 >= $3 THEN 'pull'
           WHEN fanout_mode = 'pull' AND followers_count + $2 < $4 THEN 'demoting'
           ELSE fanout_mode END
        WHERE id = $1::bigint
        RETURNING fanout_mode AS after`,
      [idParam(followeeId), delta, this.rule.threshold, this.rule.threshold - this.rule.margin],
    );
    const [before, after] = [locked[0]?.fanout_mode, rows[0]?.after];
    if (!before || !after) throw new Error(`account ${followeeId} vanished inside its follow transaction`);
    return { before, after };
  }

  async completeDemotion(authorId: bigint): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE accounts SET fanout_mode = 'push' WHERE id = $1::bigint AND fanout_mode = 'demoting' RETURNING 1`,
      [idParam(authorId)],
    );
    return rows.length > 0;
  }

  async followerIds(followeeId: bigint, after: bigint | null, limit: number): Promise<bigint[]> {
    const rows = await this.db.query<{ follower_id: unknown }>(
      `SELECT follower_id FROM follows WHERE followee_id = $1::bigint AND follower_id > $2::bigint
       ORDER BY follower_id LIMIT $3`,
      [idParam(followeeId), idParam(after ?? -1n), limit],
    );
    return rows.map((row) => toBigInt(row.follower_id));
  }

  async followers(accountId: bigint, before: bigint | undefined, limit: number): Promise<FollowListItem[]> {
    const rows = await this.db.query<ListRow>(
      `SELECT follower_id AS account_id, id FROM follows
        WHERE followee_id = $1::bigint AND ($2::bigint IS NULL OR id < $2::bigint)
        ORDER BY id DESC LIMIT $3`,
      [idParam(accountId), before === undefined ? null : idParam(before), limit],
    );
    return rows.map(toListItem);
  }

  async following(accountId: bigint, before: bigint | undefined, limit: number): Promise<FollowListItem[]> {
    const rows = await this.db.query<ListRow>(
      `SELECT followee_id AS account_id, id FROM follows
        WHERE follower_id = $1::bigint AND ($2::bigint IS NULL OR id < $2::bigint)
        ORDER BY id DESC LIMIT $3`,
      [idParam(accountId), before === undefined ? null : idParam(before), limit],
    );
    return rows.map(toListItem);
  }

  async followedAmong(followerId: bigint, candidates: readonly bigint[]): Promise<Set<bigint>> {
    if (candidates.length === 0) return new Set();
    const rows = await this.db.query<{ followee_id: unknown }>(
      'SELECT followee_id FROM follows WHERE follower_id = $1::bigint AND followee_id = ANY($2::bigint[])',
      [idParam(followerId), idsParam(candidates)],
    );
    return new Set(rows.map((row) => toBigInt(row.followee_id)));
  }

  async celebritiesFollowedBy(followerId: bigint): Promise<bigint[]> {
    const rows = await this.db.query<{ id: unknown }>(
      `SELECT a.id FROM follows f JOIN accounts a ON a.id = f.followee_id
        WHERE f.follower_id = $1::bigint AND a.fanout_mode <> 'push'`,
      [idParam(followerId)],
    );
    return rows.map((row) => toBigInt(row.id));
  }
}
