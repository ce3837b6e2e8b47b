import { encodeEvent } from '../../domain/events.js';
import {
  type CelebrityRule,
  crossingEvent,
  type FanoutMode,
  modeAfterCrossing,
  modeForFollowers,
} from '../../domain/fanout-mode.js';
import type { FanoutModes } from '../../ports/fanout-modes.js';
import type { AuthorEvent } from '../../ports/outbox.js';
import { enqueue, OUTBOX_CHANNEL } from './outbox.js';
import { idParam, type SqlClient, type SqlExecutor, toNumber } from './sql-client.js';

/**
 * The fanout-mode rule (src/domain/fanout-mode.ts) where it meets SQL, in one place: every statement that routes,
 * counts, follows or rebuilds by an author's mode takes its fragment, or its step, from here.
 */

/**
 * The log stream an author's event travels on (streamOf), decided in the statement that writes it. `author` is an
 * SQL expression for the author's id.
 */
export const streamOfAuthor = (author: string) =>
  `(SELECT CASE WHEN fanout_mode = 'pull' THEN 'celebrity' ELSE 'fanout' END FROM accounts WHERE id = ${author})`;

/**
 * An author's event as part of a larger statement, on the stream the author's fanout mode routes it to (read in the
 * same statement, so posting asks nothing first): a CTE named `queued`, written once per row of `from` (a CTE of the
 * statement; every row when omitted). Parameters: `$first` the payload, `$first + 1` the channel; see
 * {@link authorOutboxParams}.
 */
export const authorOutboxCte = (first: number, author: string, from?: string) =>
  `queued AS (INSERT INTO outbox (stream, payload) SELECT ${streamOfAuthor(author)}, $${first}${
    from ? ` FROM ${from}` : ''
  } RETURNING id)`;
export const authorOutboxNotify = (first: number) => `SELECT pg_notify($${first + 1}, '') FROM queued`;
export const authorOutboxParams = (event: AuthorEvent) => [encodeEvent(event), OUTBOX_CHANNEL];

/** Writes an author's event inside the caller's transaction, on the stream the author's mode routes it to. */
export async function enqueueForAuthor(tx: SqlExecutor, event: AuthorEvent): Promise<void> {
  await tx.query(`WITH ${authorOutboxCte(1, '$3::bigint')} ${authorOutboxNotify(1)}`, [
    ...authorOutboxParams(event),
    event.authorId.toString(),
  ]);
}

/** Authors whose tweets are not pushed (`pushes` is false): a rebuild leaves them to the readers' merge. */
export const NOT_PUSHED = `SELECT id FROM accounts WHERE fanout_mode = 'pull'`;

/** Whether readers pull an author (`pulls`), for a column `mode`: what a reader's pulled set is built from. */
export const isPulledSql = (mode: string) => `${mode} <> 'push'`;

/** A crossing starts: the event that makes fanout walk the followers, in the transaction that changed the mode. */
async function startCrossing(tx: SqlExecutor, accountId: bigint, mode: FanoutMode): Promise<void> {
  if (mode === 'promoting' || mode === 'demoting') {
    await enqueue(tx, { stream: 'fanout', event: crossingEvent(mode, accountId) });
  }
}

/**
 * Moves an account's follower count by `delta` and its mode with it (modeForFollowers), inside the counting
 * transaction: the rule always reads the count it changes, against the row locked first. Returns whether the mode
 * moved.
 */
export async function moveFollowers(
  tx: SqlExecutor,
  rule: CelebrityRule,
  accountId: bigint,
  delta: number,
): Promise<boolean> {
  const [locked] = await tx.query<{ fanout_mode: FanoutMode; followers_count: unknown }>(
    'SELECT fanout_mode, followers_count FROM accounts WHERE id = $1::bigint FOR NO KEY UPDATE',
    [idParam(accountId)],
  );
  if (!locked) return false;
  const mode = modeForFollowers(locked.fanout_mode, toNumber(locked.followers_count) + delta, rule);
  await tx.query(
    'UPDATE accounts SET followers_count = followers_count + $2, fanout_mode = $3 WHERE id = $1::bigint',
    [idParam(accountId), delta, mode],
  );
  if (mode === locked.fanout_mode) return false;
  await startCrossing(tx, accountId, mode);
  return true;
}

/**
 * The followee's mode as a new follow commits: read under a share lock, so a count that starts a crossing (which
 * updates the row) waits for this follow, or this follow waits for it. Either way the follower is covered: fanout's
 * walk for the crossing, which pages followers after the mode changed, sees this follow, or this follow sees the mode.
 */
export async function modeForNewFollow(tx: SqlExecutor, followeeId: bigint): Promise<FanoutMode> {
  const [row] = await tx.query<{ fanout_mode: FanoutMode }>(
    'SELECT fanout_mode FROM accounts WHERE id = $1::bigint FOR SHARE',
    [idParam(followeeId)],
  );
  return row?.fanout_mode ?? 'push';
}

export class SqlFanoutModes implements FanoutModes {
  constructor(
    private readonly db: SqlClient,
    private readonly rule: CelebrityRule,
  ) {}

  async modeOf(authorId: bigint): Promise<FanoutMode> {
    const [row] = await this.db.query<{ fanout_mode: FanoutMode }>(
      'SELECT fanout_mode FROM accounts WHERE id = $1::bigint',
      [idParam(authorId)],
    );
    return row?.fanout_mode ?? 'push';
  }

  finishCrossing(authorId: bigint, crossing: 'promoting' | 'demoting'): Promise<FanoutMode | null> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx.query<{ fanout_mode: FanoutMode; followers_count: unknown }>(
        'SELECT fanout_mode, followers_count FROM accounts WHERE id = $1::bigint FOR NO KEY UPDATE',
        [idParam(authorId)],
      );
      if (locked?.fanout_mode !== crossing) return null;
      const mode = modeAfterCrossing(crossing, toNumber(locked.followers_count), this.rule);
      await tx.query('UPDATE accounts SET fanout_mode = $2 WHERE id = $1::bigint', [idParam(authorId), mode]);
      await startCrossing(tx, authorId, mode);
      return mode;
    });
  }
}
