import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type App, createApp, type Role } from '../app.js';
import { type Config, ConfigError, loadConfig } from '../config.js';

const USAGE = `usage: starling <command>

commands:
  start     API, outbox relay and fanout workers in one process (embedded mode by default)
  api       the HTTP API only (services mode: DATABASE_URL, REDIS_URL, NATS_URL)
  fanout    the outbox relay and fanout workers only
  migrate   apply database migrations and exit
  bench     the benchmark suite (from a source checkout; same options as \`npm run bench -- …\`)

Configuration comes from the environment: PORT, HOST, STARLING_DATA_DIR, DATABASE_URL, REDIS_URL,
REDIS_CLUSTER_NODES, NATS_URL, STARLING_CELEBRITY_THRESHOLD, STARLING_ACTIVE_DAYS, STARLING_TIMELINE_MAX,
STARLING_WORKER_ID, STARLING_METRICS_PORT, STARLING_METRICS_HOST, LOG_LEVEL, and the timeouts
STARLING_DB_CONNECT_TIMEOUT_MS, STARLING_DB_STATEMENT_TIMEOUT_MS, STARLING_REDIS_TIMEOUT_MS,
STARLING_NATS_TIMEOUT_MS, STARLING_ACK_WAIT_MS (see the README).`;

/** Where a fanout process serves its operations routes when `STARLING_METRICS_PORT` is not set. */
const FANOUT_METRICS_PORT = 9464;

const ROLES: Record<string, Role> = { start: 'all', api: 'api', fanout: 'fanout' };

/**
 * Whenever Node's event loop has nothing left to wait for, Node waits for all of V8's background work before it
 * carries on (nodejs/node#36616), and while the process starts that happens: PGlite's WebAssembly runs in long
 * synchronous stretches while V8 optimises its hottest functions in the background, and the start stood idle until
 * those compilations were done, 0.15–0.3 s at a time. A timer gives the loop something to wait for until the server
 * listens.
 */
async function whileStarting<T>(start: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 60_000);
  try {
    return await start();
  } finally {
    clearInterval(timer);
  }
}

/** Builds the app of a role, starts its workers and listens. */
async function startServing(role: Role, config: Config): Promise<App> {
  const app = await createApp(config, { role });
  await app.start();
  const metricsHost = config.metricsHost ?? config.host;
  if (role !== 'fanout') {
    const address = await app.http.listen({ port: config.port, host: config.host });
    app.http.log.info(`Starling ${role === 'all' ? '' : 'api '}listening on ${address}`);
    if (app.ops) {
      const ops = await app.ops.listen({ port: config.metricsPort ?? 0, host: metricsHost });
      app.http.log.info(`metrics and readiness on ${ops}`);
    }
  } else {
    const address = await app.http.listen({
      port: config.metricsPort ?? FANOUT_METRICS_PORT,
      host: metricsHost,
    });
    app.http.log.info(`Starling fanout workers running; metrics and health on ${address}`);
  }
  return app;
}

async function serve(role: Role): Promise<void> {
  const config = loadConfig();
  const app = await whileStarting(() => startServing(role, config));
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.http.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** The benchmark is development tooling written in TypeScript: it runs from a checkout, through tsx. */
function bench(args: string[]): void {
  const root = new URL('../../', import.meta.url);
  const script = new URL('bench/run.ts', root);
  if (!existsSync(script)) {
    console.error('starling bench runs from a source checkout (bench/run.ts is not in this installation)');
    process.exitCode = 2;
    return;
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', script.pathname, ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exitCode = run.status ?? 1;
}

export async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const command = positionals[0];
  try {
    if (command === undefined || command === 'help' || command === '--help') {
      console.log(USAGE);
      return;
    }
    const role = ROLES[command];
    if (role) return await serve(role);
    if (command === 'bench') return bench(argv.slice(1));
    if (command === 'migrate') {
      const config = loadConfig();
      const app = await createApp(config, { role: 'api', logger: false });
      console.log('migrations are up to date');
      await app.close();
      return;
    }
    console.error(`unknown command "${command}"\n\n${USAGE}`);
    process.exitCode = 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
