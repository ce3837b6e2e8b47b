import type { SqlClient, SqlExecutor } from '../sql/sql-client.js';

/** A WAL position ('16/B374D848') as a number that orders like the log. */
export function parseLsn(text: string): bigint {
  const [high, low] = text.split('/');
  if (high === undefined || low === undefined) throw new TypeError(`not an LSN: ${text}`);
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

/** Where the primary's log ends, and how far the replica has replayed it (null: not a replica, or unreachable). */
export interface WalPositions {
  primary(): Promise<bigint>;
  replica(): Promise<{ replayed: bigint; lagSeconds: number } | null>;
}

export function walPositions(primary: SqlExecutor, replica: SqlExecutor): WalPositions {
  return {
    async primary() {
      const [row] = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      return parseLsn(row?.lsn ?? '0/0');
    },
    async replica() {
      // Lag is the age of the last replayed commit while there is WAL left to replay, and 0 once it is all replayed
      // (an idle primary commits nothing, which is not lag).
      const [row] = await replica.query<{ lsn: string | null; lag: number | string | null }>(
        `SELECT pg_last_wal_replay_lsn()::text AS lsn,
                CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                     ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END AS lag`,
      );
      if (!row?.lsn) return null;
      return { replayed: parseLsn(row.lsn), lagSeconds: Number(row.lag ?? 0) };
    },
  };
}

/**
 * One probe for every caller that asks while none is pending. A caller that arrives while a probe is running joins
 * the next one instead, because the running one may have read its value before the caller asked.
 */
function batched<T>(probe: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let next: Promise<T> | null = null;
  const get = (): Promise<T> => {
    if (!running) {
      running = probe().finally(() => {
        running = null;
      });
      return running;
    }
    next ??= running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        next = null;
        return get();
      });
    return next;
  };
  return get;
}

export interface ReplicaRoutingOptions {
  primary: SqlClient;
  replica: SqlClient;
  positions?: WalPositions;
  /** How long a read waits for the replica to replay what was committed before it, before it goes to the primary. */
  maxWaitMs?: number;
  /** How often a replica that failed is tried again (and the lag is measured) in the background. */
  checkEveryMs?: number;
  /** Told where each read went, and why when it was not the replica. */
  observe?: (target: 'replica' | 'primary', reason: 'caught_up' | 'behind' | 'down' | 'failed') => void;
}

export interface ReplicaRouting {
  /** Read-only queries: on the replica when it has replayed everything committed before the query was asked. */
  reads: SqlExecutor;
  /** The last background check: is the replica answering, and its replay lag in seconds. */
  status(): { up: boolean; lagSeconds: number | null };
  close(): Promise<void>;
}

/**
 * Read-only work on a streaming replica, never staler than the primary was when the work was asked for.
 *
 * The rule: a read is sent to the replica only once the replica has replayed the primary's WAL up to where it ended
 * when the read was asked (one `pg_current_wal_lsn()` on the primary, shared by every read asked meanwhile, and the
 * replica's `pg_last_wal_replay_lsn()`, also shared). Everything committed before the read — the reader's own last
 * post, follow or like, from whichever process — is then visible, so no reader, writer or not, sees a timeline older
 * than their own last write, and a rebuilt timeline never misses a tweet whose fanout ran before the rebuild (the
 * race the cache's rebuild protocol closes on the primary). It needs no record of who wrote what, which several `api`
 * processes would have to share. The price is a small query on the primary per batch of reads and the replica's lag
 * (milliseconds) added to each read; the heavy part, the query itself, runs on the replica. A replica further behind
 * than `maxWaitMs`, failing, or down sends reads to the primary, which always answers correctly.
 */
export function createReplicaRouting(options: ReplicaRoutingOptions): ReplicaRouting {
  const { primary, replica, maxWaitMs = 100, checkEveryMs = 1_000, observe } = options;
  const positions = options.positions ?? walPositions(primary, replica);
  const primaryEnd = batched(() => positions.primary());
  const replayed = batched(() => positions.replica());
  let up = true;
  let lagSeconds: number | null = null;

  const check = async () => {
    try {
      const position = await positions.replica();
      up = position !== null;
      lagSeconds = position?.lagSeconds ?? null;
    } catch {
      up = false;
      lagSeconds = null;
    }
  };
  const timer = setInterval(() => void check(), checkEveryMs);
  timer.unref();

  /** Waits (polling the shared probe) until the replica has replayed `target`; false if it does not in time. */
  async function replayedPast(target: bigint): Promise<boolean> {
    const deadline = performance.now() + maxWaitMs;
    for (;;) {
      const position = await replayed();
      if (position === null) throw new Error('the replica is not replaying');
      if (position.replayed >= target) return true;
      if (performance.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  const onPrimary = <Row>(
    text: string,
    params: readonly unknown[] | undefined,
    reason: 'behind' | 'down' | 'failed',
  ) => {
    observe?.('primary', reason);
    return primary.query<Row>(text, params);
  };

  const reads: SqlExecutor = {
    async query<Row>(text: string, params?: readonly unknown[]) {
      if (!up) return onPrimary<Row>(text, params, 'down');
      let target: bigint;
      try {
        target = await primaryEnd();
      } catch {
        // The primary's own probe failed: the primary is in trouble, and the query there says how.
        return onPrimary<Row>(text, params, 'failed');
      }
      let ready: boolean;
      try {
        ready = await replayedPast(target);
      } catch {
        up = false;
        return onPrimary<Row>(text, params, 'down');
      }
      if (!ready) return onPrimary<Row>(text, params, 'behind');
      try {
        const rows = await replica.query<Row>(text, params);
        observe?.('replica', 'caught_up');
        return rows;
      } catch {
        // A read is safe to repeat: a replica that lost its connection, or cancelled the query for a replay
        // conflict, costs one more round trip, not an error.
        void check();
        return onPrimary<Row>(text, params, 'failed');
      }
    },
    exec: (script) => primary.exec(script),
  };

  return {
    reads,
    status: () => ({ up, lagSeconds }),
    async close() {
      clearInterval(timer);
      await replica.close();
    },
  };
}
