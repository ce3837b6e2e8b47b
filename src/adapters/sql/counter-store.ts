import type { CounterChange, CounterStore } from '../../ports/counter-store.js';
import { idParam, type SqlClient } from './sql-client.js';

/**
 * The outbox row of an event is its ticket: deleting it and applying the event's counter changes commit together,
 * so only the first delivery to get there counts. Increments are relative (`n = n + delta`), so concurrent events
 * for one row serialise on its row lock and none is lost.
 */
export class SqlCounterStore implements CounterStore {
  constructor(private readonly db: SqlClient) {}

  applyOnce(eventId: bigint, changes: readonly CounterChange[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const ticket = await tx.query('DELETE FROM outbox WHERE id = $1::bigint RETURNING 1', [
        idParam(eventId),
      ]);
      if (ticket.length === 0) return false;
      for (const change of changes) {
        // The column names come from the CounterChange type, never from input.
        if (change.counter === 'tweets_count') {
          await tx.query('UPDATE accounts SET tweets_count = tweets_count + $2 WHERE id = $1::bigint', [
            idParam(change.accountId),
            change.delta,
          ]);
        } else {
          await tx.query(
            `UPDATE tweets SET ${change.counter} = ${change.counter} + $2 WHERE id = $1::bigint`,
            [idParam(change.tweetId), change.delta],
          );
        }
      }
      return true;
    });
  }
}
