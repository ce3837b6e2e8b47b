import type { CelebrityRule, FanoutMode } from '../../domain/model.js';
import type { CounterChange, CounterOutcome, CounterStore } from '../../ports/counter-store.js';
import { enqueue } from './outbox.js';
import { idParam, type SqlClient, type SqlExecutor } from './sql-client.js';

const NOT_APPLIED: CounterOutcome = { applied: false, modeChanged: [] };

/**
 * The outbox row of an event is its ticket: deleting it and applying the event's counter changes commit together,
 * so only the first delivery to get there counts. Increments are relative (`n = n + delta`), so concurrent events
 * for one row serialise on its row lock and none is lost.
 */
export class SqlCounterStore implements CounterStore {
  constructor(
    private readonly db: SqlClient,
    private readonly rule: CelebrityRule,
  ) {}

  applyOnce(eventId: bigint, changes: readonly CounterChange[]): Promise<CounterOutcome> {
    return this.db.transaction(async (tx) => {
      const ticket = await tx.query('DELETE FROM outbox WHERE id = $1::bigint RETURNING 1', [
        idParam(eventId),
      ]);
      if (ticket.length === 0) return NOT_APPLIED;
      const modeChanged: bigint[] = [];
      for (const change of changes) {
        // Column names come from the CounterChange type, never from input.
        if (change.counter === 'followers_count') {
          if (await this.followersChanged(tx, change.accountId, change.delta))
            modeChanged.push(change.accountId);
        } else if ('accountId' in change) {
          await tx.query(
            `UPDATE accounts SET ${change.counter} = ${change.counter} + $2 WHERE id = $1::bigint`,
            [idParam(change.accountId), change.delta],
          );
        } else {
          await tx.query(
            `UPDATE tweets SET ${change.counter} = ${change.counter} + $2 WHERE id = $1::bigint`,
            [idParam(change.tweetId), change.delta],
          );
        }
      }
      return { applied: true, modeChanged };
    });
  }

  /**
   * Moves the follower count and, with it, the fanout mode: `pull` at the threshold, `demoting` (on the way back to
   * `push`) only below `threshold - margin`. Whether the mode moved, read against the row locked first.
   */
  private async followersChanged(tx: SqlExecutor, accountId: bigint, delta: number): Promise<boolean> {
    const [locked] = await tx.query<{ fanout_mode: FanoutMode }>(
      'SELECT fanout_mode FROM accounts WHERE id = $1::bigint FOR NO KEY UPDATE',
      [idParam(accountId)],
    );
    const [updated] = await tx.query<{ fanout_mode: FanoutMode }>(
      `UPDATE accounts SET followers_count = followers_count + $2,
         fanout_mode = CASE
           WHEN followers_count + $2 >= $3 THEN 'pull'
           WHEN fanout_mode = 'pull' AND followers_count + $2 < $4 THEN 'demoting'
           ELSE fanout_mode END
        WHERE id = $1::bigint
        RETURNING fanout_mode`,
      [idParam(accountId), delta, this.rule.threshold, this.rule.threshold - this.rule.margin],
    );
    if (!locked || !updated) return false;
    if (locked.fanout_mode === 'pull' && updated.fanout_mode === 'demoting') {
      await enqueue(tx, { stream: 'fanout', event: { type: 'author.demoted', authorId: accountId } });
    }
    return locked.fanout_mode !== updated.fanout_mode;
  }
}
