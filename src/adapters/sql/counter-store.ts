import type { CelebrityRule } from '../../domain/fanout-mode.js';
import { compareIds } from '../../domain/model.js';
import type {
  CountedChanges,
  CountedRow,
  CounterChange,
  CounterOutcome,
  CounterStore,
} from '../../ports/counter-store.js';
import type { TweetCounters } from '../../ports/engagement-cache.js';
import { moveFollowers } from './fanout-modes.js';
import { idParam, idsParam, type SqlClient, type SqlExecutor, toBigInt, toNumber } from './sql-client.js';

type Column = CounterChange['counter'];

/** One row's summed change: accounts first, then tweets, each by id, so concurrent batches lock rows in one order. */
interface RowChange {
  table: 'accounts' | 'tweets';
  column: Column;
  id: bigint;
  delta: number;
}

function summed(changes: readonly CounterChange[]): RowChange[] {
  const rows = new Map<string, RowChange>();
  for (const change of changes) {
    const [table, id] =
      'accountId' in change
        ? (['accounts', change.accountId] as const)
        : (['tweets', change.tweetId] as const);
    const key = `${table}:${change.counter}:${id}`;
    const row = rows.get(key) ?? { table, column: change.counter, id, delta: 0 };
    row.delta += change.delta;
    rows.set(key, row);
  }
  return [...rows.values()]
    .filter((row) => row.delta !== 0)
    .sort((a, b) => a.table.localeCompare(b.table) || compareIds(a.id, b.id));
}

/** A deadlock or serialization failure rolled the whole transaction back: running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Settles counted rows, one statement per kind, and says what their counting changed. A row's `counted` flag moves
 * at most once each way under its row lock, so two batches settling one row change the counters once between them,
 * and a removal (which reads the flag under the same lock) takes back only what was given.
 */
async function settle(tx: SqlExecutor, rows: readonly CountedRow[]): Promise<CounterChange[]> {
  const changes: CounterChange[] = [];
  const tweetIds = rows.flatMap((row) => (row.kind === 'tweet' ? [row.tweetId] : []));
  if (tweetIds.length > 0) {
    // A tweet counts while it is not deleted: its creation and its deletion, in either order, end where the row is.
    const settled = await tx.query<{
      author_id: unknown;
      reply_to_id: unknown;
      retweet_of_id: unknown;
      counted: boolean;
    }>(
      `UPDATE tweets SET counted = (status <> 'DELETED')
        WHERE id = ANY($1::bigint[]) AND counted <> (status <> 'DELETED')
        RETURNING author_id, reply_to_id, retweet_of_id, counted`,
      [idsParam(tweetIds)],
    );
    for (const row of settled) {
      const delta = row.counted ? 1 : -1;
      changes.push({ counter: 'tweets_count', accountId: toBigInt(row.author_id), delta });
      if (row.reply_to_id !== null)
        changes.push({ counter: 'reply_count', tweetId: toBigInt(row.reply_to_id), delta });
      if (row.retweet_of_id !== null)
        changes.push({ counter: 'retweet_count', tweetId: toBigInt(row.retweet_of_id), delta });
    }
  }
  const follows = rows.flatMap((row) => (row.kind === 'follow' ? [row] : []));
  if (follows.length > 0) {
    // A follow removed before it was counted is not there to count; its removal said it had not been counted.
    const counted = await tx.query<{ follower_id: unknown; followee_id: unknown }>(
      `UPDATE follows f SET counted = true
         FROM unnest($1::bigint[], $2::bigint[]) AS k (follower_id, followee_id)
        WHERE f.follower_id = k.follower_id AND f.followee_id = k.followee_id AND NOT f.counted
        RETURNING f.follower_id, f.followee_id`,
      [idsParam(follows.map((f) => f.followerId)), idsParam(follows.map((f) => f.followeeId))],
    );
    for (const row of counted) {
      changes.push({ counter: 'following_count', accountId: toBigInt(row.follower_id), delta: 1 });
      changes.push({ counter: 'followers_count', accountId: toBigInt(row.followee_id), delta: 1 });
    }
  }
  const likes = rows.flatMap((row) => (row.kind === 'like' ? [row] : []));
  if (likes.length > 0) {
    const counted = await tx.query<{ tweet_id: unknown }>(
      `UPDATE likes l SET counted = true
         FROM unnest($1::bigint[], $2::bigint[]) AS k (account_id, tweet_id)
        WHERE l.account_id = k.account_id AND l.tweet_id = k.tweet_id AND NOT l.counted
        RETURNING l.tweet_id`,
      [idsParam(likes.map((l) => l.accountId)), idsParam(likes.map((l) => l.tweetId))],
    );
    for (const row of counted)
      changes.push({ counter: 'like_count', tweetId: toBigInt(row.tweet_id), delta: 1 });
  }
  return changes;
}

/**
 * The outbox row of an event is its ticket: deleting it and applying the event's counting commit together, so only
 * the first delivery to get there counts. Increments are relative (`n = n + delta`), so concurrent batches touching
 * one row serialise on its row lock and none is lost; and a count moves only with a row's `counted` flag, so the
 * order two workers apply a creation and its deletion in never shows (nor drives a count below zero).
 */
export class SqlCounterStore implements CounterStore {
  constructor(
    private readonly db: SqlClient,
    private readonly rule: CelebrityRule,
  ) {}

  async applyOnce(batch: readonly CountedChanges[]): Promise<CounterOutcome> {
    if (batch.length === 0) return { applied: [], modeChanged: [], tweets: [] };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.applyIn(tx, batch));
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      }
    }
  }

  private async applyIn(tx: SqlExecutor, batch: readonly CountedChanges[]): Promise<CounterOutcome> {
    const tickets = await tx.query<{ id: unknown }>(
      'DELETE FROM outbox WHERE id = ANY($1::bigint[]) RETURNING id',
      [idsParam(batch.map((entry) => entry.eventId))],
    );
    const applied = new Set(tickets.map((row) => toBigInt(row.id)));
    const mine = batch.filter((entry) => applied.has(entry.eventId));
    const changes = [
      ...(await settle(
        tx,
        mine.flatMap((entry) => entry.rows),
      )),
      ...mine.flatMap((entry) => entry.changes),
    ];
    const modeChanged: bigint[] = [];
    const tweets = new Map<bigint, TweetCounters>();
    for (const row of summed(changes)) {
      // Table and column names come from the CounterChange type, never from input.
      if (row.column === 'followers_count') {
        if (await moveFollowers(tx, this.rule, row.id, row.delta)) modeChanged.push(row.id);
      } else if (row.table === 'tweets') {
        // Every change moves the version, and the last update of a tweet in the batch says where it ended.
        const [counted] = await tx.query<{
          like_count: unknown;
          retweet_count: unknown;
          reply_count: unknown;
          counts_version: unknown;
        }>(
          `UPDATE tweets SET ${row.column} = ${row.column} + $2, counts_version = counts_version + 1
              WHERE id = $1::bigint RETURNING like_count, retweet_count, reply_count, counts_version`,
          [idParam(row.id), row.delta],
        );
        if (counted) {
          tweets.set(row.id, {
            tweetId: row.id,
            likeCount: toNumber(counted.like_count),
            retweetCount: toNumber(counted.retweet_count),
            replyCount: toNumber(counted.reply_count),
            version: toNumber(counted.counts_version),
          });
        }
      } else {
        await tx.query(`UPDATE ${row.table} SET ${row.column} = ${row.column} + $2 WHERE id = $1::bigint`, [
          idParam(row.id),
          row.delta,
        ]);
      }
    }
    return { applied: [...applied], modeChanged, tweets: [...tweets.values()] };
  }
}
