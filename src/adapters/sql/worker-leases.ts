import { unavailable } from '../../domain/errors.js';
import { MAX_WORKER_ID } from '../../domain/snowflake.js';
import type { WorkerLeases } from '../../ports/worker-lease.js';
import type { SqlClient } from './sql-client.js';

/** Expiry is judged by the database's clock, the one clock every process shares. */
export class SqlWorkerLeases implements WorkerLeases {
  constructor(private readonly sql: SqlClient) {}

  async acquire(holder: string, ttlMs: number, preferred?: number): Promise<number> {
    // Two processes may pick the same free id at once; the conditional upsert lets exactly one of them have it,
    // and the other tries again with the next one.
    for (let attempt = 0; attempt < 16; attempt++) {
      const rows = await this.sql.query<{ worker_id: number }>(
        `INSERT INTO worker_leases (worker_id, holder, expires_at)
         SELECT g, $1, now() + $2 * interval '1 millisecond'
           FROM generate_series($3::int, $4::int) AS g
          WHERE NOT EXISTS (SELECT 1 FROM worker_leases l WHERE l.worker_id = g AND l.expires_at > now())
          ORDER BY g LIMIT 1
         ON CONFLICT (worker_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
          WHERE worker_leases.expires_at <= now()
         RETURNING worker_id`,
        [holder, ttlMs, preferred ?? 0, preferred ?? MAX_WORKER_ID],
      );
      const leased = rows[0]?.worker_id;
      if (leased !== undefined) return Number(leased);
      if (preferred !== undefined)
        throw unavailable(`worker id ${preferred} is held by another live process`);
    }
    throw unavailable('no Snowflake worker id is free');
  }

  async renew(holder: string, workerId: number, ttlMs: number): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE worker_leases SET expires_at = now() + $3 * interval '1 millisecond'
        WHERE worker_id = $2 AND holder = $1 RETURNING worker_id`,
      [holder, workerId, ttlMs],
    );
    return rows.length > 0;
  }

  async release(holder: string, workerId: number): Promise<void> {
    await this.sql.query('DELETE FROM worker_leases WHERE worker_id = $2 AND holder = $1', [
      holder,
      workerId,
    ]);
  }
}
