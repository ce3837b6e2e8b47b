import type { TestProject } from 'vitest/node';
import { probeServers, SERVER_NAMES, type ServerName } from './support/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    servers: Record<ServerName, string | null>;
  }
}

/**
 * Finds which real servers are reachable. Suites that need a missing one are skipped, and said so at the end; under
 * CI=true a missing server fails the run instead.
 */
export default async function setup(project: TestProject) {
  const servers = await probeServers();
  const missing = SERVER_NAMES.filter((name) => servers[name].url === null);
  if (missing.length > 0 && process.env.CI === 'true') {
    const reasons = missing.map((name) => `  ${name}: ${servers[name].reason}`).join('\n');
    throw new Error(`CI=true and these servers are not reachable:\n${reasons}`);
  }
  project.provide(
    'servers',
    Object.fromEntries(SERVER_NAMES.map((name) => [name, servers[name].url])) as Record<
      ServerName,
      string | null
    >,
  );
  return () => {
    if (missing.length === 0) {
      console.log('\nAll server-backed suites ran (PostgreSQL, Redis, Redis Cluster, NATS).');
      return;
    }
    console.log('\nSKIPPED — these suites need servers that were not reachable:');
    for (const name of missing) console.log(`  ${name}: ${servers[name].reason}`);
    console.log(
      'Start them (see README, "Running the tests") to run everything; CI=true makes this an error.',
    );
  };
}
