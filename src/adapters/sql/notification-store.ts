/*
 * Notifications in SQL, kept in one file past ~300 lines on purpose: writing them (`apply`) is one transaction of
 * four steps — removals, then what tweets, likes and follows cause — that share the flag-under-lock rule below, and
 * reading them (`list`, `countAfter`) shares its filter. Split, the rule would be spread over files that each need
 * the others to be right. Markers, which share nothing with it, are in marker-store.ts.
 */
import { compareIds, type IdWindow } from '../../domain/model.js';
import type { IdGenerator } from '../../ports/clock.js';
import type {
  Notification,
  NotificationChange,
  NotificationFilter,
  NotificationStore,
  NotificationType,
} from '../../ports/notification-store.js';
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

interface NotificationRow {
  id: unknown;
  account_id: unknown;
  type: string;
  from_account_id: unknown;
  status_id: unknown;
  created_at: unknown;
}

const COLUMNS = 'id, account_id, type, from_account_id, status_id, created_at';

/** A filter's conditions on the three parameters from `$first` that {@link filterParams} gives. */
const FILTERED = (first: number) =>
  `($${first}::text[] IS NULL OR type = ANY($${first}::text[])) AND NOT (type = ANY($${first + 1}::text[])) ` +
  `AND ($${first + 2}::bigint IS NULL OR from_account_id = $${first + 2}::bigint)`;

const filterParams = (filter: NotificationFilter): [string[] | null, string[], string | null] => [
  filter.types === undefined ? null : [...filter.types],
  [...(filter.excludeTypes ?? [])],
  filter.fromAccountId === undefined ? null : idParam(filter.fromAccountId),
];

const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

function toNotification(row: NotificationRow): Notification {
  return {
    id: toBigInt(row.id),
    accountId: toBigInt(row.account_id),
    type: row.type as NotificationType,
    fromAccountId: toBigInt(row.from_account_id),
    statusId: row.status_id === null ? null : toBigInt(row.status_id),
    createdAt: toDate(row.created_at),
  };
}

/** A notification to write: who gets it, from whom, about which post, and the row that caused it. */
interface Pending {
  accountId: bigint;
  type: NotificationType;
  fromAccountId: bigint;
  statusId: bigint | null;
  causeId: bigint;
}

const of = <K extends NotificationChange['kind']>(changes: readonly NotificationChange[], kind: K) =>
  changes.filter((c): c is Extract<NotificationChange, { kind: K }> => c.kind === kind);

/** A deadlock (two batches locking posts in different orders) rolled everything back: running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Notifications in PostgreSQL (or PGlite). A cause is written once: its row's `notified` flag moves under the row's
 * lock in the transaction that writes its notifications, so of two deliveries of one event only the first writes, and
 * one dismissed stays dismissed. The post a notification is about is locked (shared) while it is written, so a
 * deletion waits for it, and the deletion's event, which runs after, removes it.
 */
export class SqlNotificationStore implements NotificationStore {
  constructor(
    private readonly db: SqlClient,
    private readonly ids: IdGenerator,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async apply(changes: readonly NotificationChange[]): Promise<Notification[]> {
    if (changes.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.applyIn(tx, changes));
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      }
    }
  }

  private async applyIn(tx: SqlExecutor, changes: readonly NotificationChange[]): Promise<Notification[]> {
    await this.remove(tx, changes);
    const pending = [
      ...(await this.fromTweets(tx, of(changes, 'tweet'))),
      ...(await this.fromLikes(tx, of(changes, 'like'))),
      ...(await this.fromFollows(tx, of(changes, 'follow'))),
    ];
    if (pending.length === 0) return [];
    // Ids minted in the order of their causes (Snowflakes too), so a batch lists as its events happened.
    pending.sort((a, b) => compareIds(a.causeId, b.causeId));
    const ids: bigint[] = [];
    for (const _ of pending) ids.push(await this.ids.next());
    const rows = await tx.query<NotificationRow>(
      `INSERT INTO notifications (account_id, id, type, from_account_id, status_id, cause_id, created_at)
       SELECT a, i, t, f, s, c, $7::timestamptz
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
           AS k (a, i, t, f, s, c)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        idsParam(pending.map((p) => p.accountId)),
        idsParam(ids),
        pending.map((p) => p.type),
        idsParam(pending.map((p) => p.fromAccountId)),
        pending.map((p) => (p.statusId === null ? null : idParam(p.statusId))),
        idsParam(pending.map((p) => p.causeId)),
        this.now().toISOString(),
      ],
    );
    return rows.map(toNotification).sort((a, b) => compareIds(a.id, b.id));
  }

  /** Removals take only what no longer has a cause, so they are right before or after any creation near them. */
  private async remove(tx: SqlExecutor, changes: readonly NotificationChange[]) {
    const deleted = of(changes, 'tweet.deleted').map((c) => c.tweetId);
    if (deleted.length > 0) {
      await tx.query(
        `DELETE FROM notifications
          WHERE status_id = ANY($1::bigint[]) OR (type IN ('mention', 'reblog') AND cause_id = ANY($1::bigint[]))`,
        [idsParam(deleted)],
      );
    }
    const unlikes = of(changes, 'unlike');
    if (unlikes.length > 0) {
      await tx.query(
        `DELETE FROM notifications n USING unnest($1::bigint[], $2::bigint[]) AS k (account_id, tweet_id)
          WHERE n.status_id = k.tweet_id AND n.type = 'favourite' AND n.from_account_id = k.account_id
            AND NOT EXISTS (SELECT 1 FROM likes l
                             WHERE l.account_id = k.account_id AND l.tweet_id = k.tweet_id AND l.id = n.cause_id)`,
        [idsParam(unlikes.map((c) => c.accountId)), idsParam(unlikes.map((c) => c.tweetId))],
      );
    }
    const unfollows = of(changes, 'unfollow');
    if (unfollows.length > 0) {
      await tx.query(
        `DELETE FROM notifications n USING unnest($1::bigint[], $2::bigint[]) AS k (follower_id, followee_id)
          WHERE n.account_id = k.followee_id AND n.type = 'follow' AND n.from_account_id = k.follower_id
            AND NOT EXISTS (SELECT 1 FROM follows f
                             WHERE f.follower_id = k.follower_id AND f.followee_id = k.followee_id
                               AND f.id = n.cause_id)`,
        [idsParam(unfollows.map((c) => c.followerId)), idsParam(unfollows.map((c) => c.followeeId))],
      );
    }
  }

  /** Live posts among `ids`, locked against deletion until this commits: id → author. */
  private async liveAuthors(tx: SqlExecutor, ids: readonly bigint[]): Promise<Map<bigint, bigint>> {
    if (ids.length === 0) return new Map();
    const rows = await tx.query<{ id: unknown; author_id: unknown }>(
      `SELECT id, author_id FROM tweets WHERE id = ANY($1::bigint[]) AND status = 'ACTIVE' ORDER BY id FOR SHARE`,
      [idsParam([...new Set(ids)])],
    );
    return new Map(rows.map((row) => [toBigInt(row.id), toBigInt(row.author_id)]));
  }

  /**
   * A post's mentions of others, and its boost of someone else's post. Only posts with something to tell are flagged
   * (most have nothing, and are not written to).
   */
  private async fromTweets(tx: SqlExecutor, causes: readonly { tweetId: bigint }[]): Promise<Pending[]> {
    if (causes.length === 0) return [];
    const settled = await tx.query<{ id: unknown; author_id: unknown; retweet_of_id: unknown }>(
      `UPDATE tweets t SET notified = true
        WHERE t.id = ANY($1::bigint[]) AND t.status = 'ACTIVE' AND NOT t.notified
          AND (t.retweet_of_id IS NOT NULL
               OR EXISTS (SELECT 1 FROM tweet_mentions m WHERE m.tweet_id = t.id AND m.account_id <> t.author_id))
        RETURNING t.id, t.author_id, t.retweet_of_id`,
      [idsParam(causes.map((c) => c.tweetId))],
    );
    if (settled.length === 0) return [];
    const posts = settled.map((row) => ({
      id: toBigInt(row.id),
      authorId: toBigInt(row.author_id),
      retweetOfId: row.retweet_of_id === null ? null : toBigInt(row.retweet_of_id),
    }));
    const out: Pending[] = [];
    const originals = await this.liveAuthors(
      tx,
      posts.flatMap((p) => (p.retweetOfId === null ? [] : [p.retweetOfId])),
    );
    for (const post of posts) {
      if (post.retweetOfId === null) continue;
      const authorId = originals.get(post.retweetOfId);
      if (authorId === undefined || authorId === post.authorId) continue;
      out.push({
        accountId: authorId,
        type: 'reblog',
        fromAccountId: post.authorId,
        statusId: post.retweetOfId,
        causeId: post.id,
      });
    }
    const authors = new Map(posts.map((p) => [p.id, p.authorId]));
    const mentions = await tx.query<{ tweet_id: unknown; account_id: unknown }>(
      'SELECT tweet_id, account_id FROM tweet_mentions WHERE tweet_id = ANY($1::bigint[]) ORDER BY tweet_id, account_id',
      [idsParam(posts.map((p) => p.id))],
    );
    for (const row of mentions) {
      const tweetId = toBigInt(row.tweet_id);
      const accountId = toBigInt(row.account_id);
      const authorId = authors.get(tweetId);
      if (authorId === undefined || authorId === accountId) continue;
      out.push({ accountId, type: 'mention', fromAccountId: authorId, statusId: tweetId, causeId: tweetId });
    }
    return out;
  }

  private async fromLikes(
    tx: SqlExecutor,
    causes: readonly { accountId: bigint; tweetId: bigint }[],
  ): Promise<Pending[]> {
    if (causes.length === 0) return [];
    const authors = await this.liveAuthors(
      tx,
      causes.map((c) => c.tweetId),
    );
    // Liking one's own post tells nobody, and is never flagged.
    const others = causes.filter((c) => {
      const authorId = authors.get(c.tweetId);
      return authorId !== undefined && authorId !== c.accountId;
    });
    if (others.length === 0) return [];
    const settled = await tx.query<{ id: unknown; account_id: unknown; tweet_id: unknown }>(
      `UPDATE likes l SET notified = true
         FROM unnest($1::bigint[], $2::bigint[]) AS k (account_id, tweet_id)
        WHERE l.account_id = k.account_id AND l.tweet_id = k.tweet_id AND NOT l.notified
        RETURNING l.id, l.account_id, l.tweet_id`,
      [idsParam(others.map((c) => c.accountId)), idsParam(others.map((c) => c.tweetId))],
    );
    return settled.flatMap((row) => {
      const tweetId = toBigInt(row.tweet_id);
      const authorId = authors.get(tweetId);
      if (authorId === undefined) return [];
      return [
        {
          accountId: authorId,
          type: 'favourite' as const,
          fromAccountId: toBigInt(row.account_id),
          statusId: tweetId,
          causeId: toBigInt(row.id),
        },
      ];
    });
  }

  private async fromFollows(
    tx: SqlExecutor,
    causes: readonly { followerId: bigint; followeeId: bigint }[],
  ): Promise<Pending[]> {
    if (causes.length === 0) return [];
    const settled = await tx.query<{ id: unknown; follower_id: unknown; followee_id: unknown }>(
      `UPDATE follows f SET notified = true
         FROM unnest($1::bigint[], $2::bigint[]) AS k (follower_id, followee_id)
        WHERE f.follower_id = k.follower_id AND f.followee_id = k.followee_id AND NOT f.notified
        RETURNING f.id, f.follower_id, f.followee_id`,
      [idsParam(causes.map((c) => c.followerId)), idsParam(causes.map((c) => c.followeeId))],
    );
    return settled.map((row) => ({
      accountId: toBigInt(row.followee_id),
      type: 'follow' as const,
      fromAccountId: toBigInt(row.follower_id),
      statusId: null,
      causeId: toBigInt(row.id),
    }));
  }

  async list(accountId: bigint, filter: NotificationFilter, window: IdWindow): Promise<Notification[]> {
    const rows = await this.db.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications
        WHERE account_id = $1::bigint AND ${windowPredicate('id', 2)} AND ${FILTERED(5)}
        ORDER BY id ${windowOrder(window)} LIMIT $4`,
      [idParam(accountId), ...windowParams(window), ...filterParams(filter)],
    );
    return newestFirst(rows, window).map(toNotification);
  }

  async get(accountId: bigint, id: bigint): Promise<Notification | null> {
    const [row] = await this.db.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications WHERE account_id = $1::bigint AND id = $2::bigint`,
      [idParam(accountId), idParam(id)],
    );
    return row ? toNotification(row) : null;
  }

  async dismiss(accountId: bigint, id: bigint): Promise<boolean> {
    const rows = await this.db.query(
      'DELETE FROM notifications WHERE account_id = $1::bigint AND id = $2::bigint RETURNING id',
      [idParam(accountId), idParam(id)],
    );
    return rows.length > 0;
  }

  async clear(accountId: bigint): Promise<void> {
    await this.db.query('DELETE FROM notifications WHERE account_id = $1::bigint', [idParam(accountId)]);
  }

  async countAfter(
    accountId: bigint,
    afterId: bigint | null,
    cap: number,
    filter: NotificationFilter = {},
  ): Promise<number> {
    const [row] = await this.db.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM notifications
          WHERE account_id = $1::bigint AND ($2::bigint IS NULL OR id > $2::bigint) AND ${FILTERED(4)}
          LIMIT $3) capped`,
      [idParam(accountId), afterId === null ? null : idParam(afterId), cap, ...filterParams(filter)],
    );
    return row ? toNumber(row.n) : 0;
  }
}
