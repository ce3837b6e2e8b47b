import type { CelebrityRule } from '../../domain/fanout-mode.js';
import type {
  CountedChanges,
  CounterChange,
  CounterOutcome,
  CounterStore,
} from '../../ports/counter-store.js';
import type { TweetCounters } from '../../ports/engagement-cache.js';
import { moveFollowers } from './fanout-modes.js';
import { idParam, idsParam, type SqlClient, toBigInt, toNumber } from './sql-client.js';

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
    .sort((a, b) => a.table.localeCompare(b.table) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The outbox row of an event is its ticket: deleting it and applying the event's counter changes commit together,
 * so only the first delivery to get there counts. Increments are relative (`n = n + delta`), so concurrent batches
 * touching one row serialise on its row lock and none is lost.
 */
export class SqlCounterStore implements CounterStore {
  constructor(
    private readonly db: SqlClient,
    private readonly rule: CelebrityRule,
  ) {}

  applyOnce(batch: readonly CountedChanges[]): Promise<CounterOutcome> {
    if (batch.length === 0) return Promise.resolve({ applied: [], modeChanged: [], tweets: [] });
    return this.db.transaction(async (tx) => {
      const tickets = await tx.query<{ id: unknown }>(
        'DELETE FROM outbox WHERE id = ANY($1::bigint[]) RETURNING id',
        [idsParam(batch.map((entry) => entry.eventId))],
      );
      const applied = new Set(tickets.map((row) => toBigInt(row.id)));
      const modeChanged: bigint[] = [];
      const tweets = new Map<bigint, TweetCounters>();
      for (const row of summed(batch.flatMap((entry) => (applied.has(entry.eventId) ? entry.changes : [])))) {
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
    });
  }
}
