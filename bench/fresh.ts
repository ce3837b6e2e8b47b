/** A benchmark's servers made fresh: its database recreated, migrated and loaded, its Redis keys and NATS streams gone. */
import { DEFAULT_LOG_SETTINGS } from '../src/adapters/memory/memory-event-log.js';
import { NatsEventLog } from '../src/adapters/nats/nats-event-log.js';
import { openPgClient } from '../src/adapters/postgres/pg-client.js';
import { migrate } from '../src/adapters/sql/migrate.js';
import { type Graph, loadGraph } from './graph.js';
import { recreateDatabase } from './postgres.js';
import type { BenchRedis } from './redis.js';

export interface BenchServers {
  postgresUrl: string;
  redis: BenchRedis;
  natsUrl: string;
  /** The prefix of the run's Redis keys and NATS streams. */
  namespace: string;
}

/** Loads `graph` into a new database and clears the namespace; returns the seconds the load took. */
export async function freshServices(
  servers: BenchServers,
  graph: Graph,
  threshold: number,
  say: (text: string) => void,
): Promise<number> {
  await recreateDatabase(servers.postgresUrl);
  const sql = openPgClient({
    connectionString: servers.postgresUrl,
    timeouts: { connectMs: 10_000, statementMs: 900_000 },
  });
  await migrate(sql);
  await sql.close();
  const started = performance.now();
  await loadGraph(servers.postgresUrl, graph, threshold, say);
  const loadSeconds = (performance.now() - started) / 1_000;
  servers.redis.flush();
  // A fresh database numbers its outbox from 1 again; JetStream would drop those ids as duplicates of the last run's.
  const stale = await NatsEventLog.open({
    servers: servers.natsUrl,
    prefix: servers.namespace,
    settings: DEFAULT_LOG_SETTINGS,
  });
  await stale.destroy();
  await stale.close();
  return loadSeconds;
}
