import { describe, expect, it } from 'vitest';
import type { SqlClient } from '../../src/adapters/sql/sql-client.js';
import { SqlWorkerLeases } from '../../src/adapters/sql/worker-leases.js';
import { resetDatabase, sharedPglite, sharedPostgres } from '../support/database.js';
import { needs, serverUrl } from '../support/servers.js';

function leaseContract(name: string, open: () => Promise<SqlClient>) {
  describe(`WorkerLeases contract: ${name}`, () => {
    it('never gives one id to two live holders, even when they ask at once', async () => {
      const sql = await open();
      await resetDatabase(sql);
      const leases = new SqlWorkerLeases(sql);
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => leases.acquire(`p${i}`, 60_000)));
      expect(new Set(ids).size).toBe(12);
      expect(Math.max(...ids)).toBe(11);
    });

    it('honours a preferred id only while nobody else holds it', async () => {
      const sql = await open();
      await resetDatabase(sql);
      const leases = new SqlWorkerLeases(sql);
      expect(await leases.acquire('a', 60_000, 42)).toBe(42);
      await expect(leases.acquire('b', 60_000, 42)).rejects.toMatchObject({ code: 'unavailable' });
      await leases.release('a', 42);
      expect(await leases.acquire('b', 60_000, 42)).toBe(42);
    });

    it('frees the id of a holder whose lease ran out, and tells that holder it lost it', async () => {
      const sql = await open();
      await resetDatabase(sql);
      const leases = new SqlWorkerLeases(sql);
      const id = await leases.acquire('crashed', 60_000);
      expect(await leases.renew('crashed', id, 60_000)).toBe(true);
      await sql.query(`UPDATE worker_leases SET expires_at = now() - interval '1 second'`);
      expect(await leases.acquire('next', 60_000)).toBe(id);
      expect(await leases.renew('crashed', id, 60_000)).toBe(false);
    });
  });
}

leaseContract('PGlite', sharedPglite);
const postgres = serverUrl('postgres');
describe('with PostgreSQL', needs('postgres'), () => {
  leaseContract('PostgreSQL', () => sharedPostgres(postgres as string));
});
