import { decodeEvent, type EventStream, encodeEvent } from '../../domain/events.js';
import type { Clock } from '../../ports/clock.js';
import type { Outbox, OutboxEntry, OutboxRecord } from '../../ports/outbox.js';
import { idsParam, type SqlClient, type SqlExecutor, toBigInt, toNumber } from './sql-client.js';

/** Relays LISTEN here; every outbox write notifies it (delivered at commit). */
export const OUTBOX_CHANNEL = 'starling_outbox';

/**
 * The outbox write as part of a larger statement: a data-modifying CTE named `queued`, and the notification, to be
 * selected from it. `first` is the number of the first of the three parameters {@link outboxParams} returns.
 */
export const outboxCte = (first: number) =>
  `queued AS (INSERT INTO outbox (stream, payload) VALUES ($${first}, $${first + 1}) RETURNING id)`;
export const outboxNotify = (first: number) => `SELECT pg_notify($${first + 2}, '') FROM queued`;
export const outboxParams = (entry: OutboxEntry) => [entry.stream, encodeEvent(entry.event), OUTBOX_CHANNEL];

/** Writes an event inside the caller's transaction; the NOTIFY is delivered to relays only when it commits. */
export async function enqueue(tx: SqlExecutor, entry: OutboxEntry): Promise<void> {
  await tx.query(`WITH ${outboxCte(1)} ${outboxNotify(1)}`, outboxParams(entry));
}

/**
 * A one-row change and the event it causes, in one transaction: runs `sql` and, when it returns a row, writes the
 * event `enqueueFor` makes of that row. The row, or null when nothing changed (and nothing was enqueued).
 */
export function changeWithEvent<R>(
  db: SqlClient,
  sql: string,
  params: unknown[],
  enqueueFor: (tx: SqlExecutor, row: R) => Promise<void>,
): Promise<R | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<R>(sql, params);
    if (!row) return null;
    await enqueueFor(tx, row);
    return row;
  });
}

/**
 * Deletes one counted row (a like, a follow; `sql` returns its `counted`) and enqueues the event `eventFor` makes of
 * whether it had been counted; false, and nothing enqueued, when there was none. `counted` is read after the row
 * lock, so a counting of the row that got there first has committed, and says so.
 */
export async function deleteCounted(
  db: SqlClient,
  sql: string,
  params: unknown[],
  eventFor: (counted: boolean) => OutboxEntry,
): Promise<boolean> {
  const deleted = await changeWithEvent<{ counted: boolean }>(db, sql, params, (tx, row) =>
    enqueue(tx, eventFor(row.counted)),
  );
  return deleted !== null;
}

interface OutboxRow {
  id: unknown;
  stream: EventStream;
  payload: string;
}

export class SqlOutbox implements Outbox {
  private wake: (() => void) | null = null;
  private notified = false;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: SqlClient,
    private readonly clock: Clock,
  ) {}

  async relay(limit: number, republishAfterMs: number, publish: (records: OutboxRecord[]) => Promise<void>) {
    const staleBefore = new Date(this.clock.now() - republishAfterMs);
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<OutboxRow>(
        `SELECT id, stream, payload FROM outbox
          WHERE published_at IS NULL OR published_at < $2
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit, staleBefore],
      );
      if (rows.length === 0) return 0;
      const records = rows.map((row) => ({
        id: toBigInt(row.id),
        stream: row.stream,
        event: decodeEvent(row.payload),
      }));
      await publish(records);
      await tx.query(
        'UPDATE outbox SET published_at = $2, attempts = attempts + 1 WHERE id = ANY($1::bigint[])',
        [idsParam(records.map((r) => r.id)), new Date(this.clock.now())],
      );
      return records.length;
    });
  }

  async complete(ids: readonly bigint[]) {
    if (ids.length === 0) return;
    await this.db.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [idsParam(ids)]);
  }

  async backlog() {
    const [row] = await this.db.query<{ n: unknown }>('SELECT count(*) AS n FROM outbox');
    return toNumber(row?.n ?? 0);
  }

  async requeueUnacknowledged() {
    const rows = await this.db.query(
      'UPDATE outbox SET published_at = NULL WHERE published_at IS NOT NULL RETURNING id',
    );
    return rows.length;
  }

  async waitForWork(timeoutMs: number) {
    if (this.unlisten === null) {
      this.unlisten = await this.db.listen(OUTBOX_CHANNEL, () => {
        this.notified = true;
        this.wake?.();
      });
    }
    if (this.notified) {
      this.notified = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = null;
    this.notified = false;
  }

  async close() {
    this.wake?.();
    await this.unlisten?.();
    this.unlisten = null;
  }
}
