import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import type { Gate, GateCommand, GateReport } from './gated-fanout.js';
import {
  freePort,
  natsServer,
  type Process,
  redisServer,
  removeDir,
  tcpOpen,
  track,
  until,
} from './processes.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * Starling in services mode, for one fault test file: its own database (reached through a TCP proxy the test can hold
 * or cut), its own NATS and Redis (which it can kill), and `api` and `fanout` processes run from the sources.
 */
export interface Cluster {
  /** A direct connection to the database, around the proxy: the source of truth the checks read. */
  db: pg.Client;
  dbLink: TcpProxy;
  redisUrl: string;
  natsUrl: string;
  namespace: string;
  apis: ApiProcess[];
  fanouts: FanoutProcess[];
  startApi(): Promise<ApiProcess>;
  startFanout(): Promise<FanoutProcess>;
  /** A fanout process with a gate the test drives (see gated-fanout.ts), armed with `gate` from the start. */
  startGatedFanout(gate: Gate): Promise<GatedFanout>;
  stopNats(): Promise<void>;
  startNats(): Promise<void>;
  stopRedis(): Promise<void>;
  /** A gauge or counter of a fanout process, summed over its label sets; null if it is not fresh. */
  metric(fanout: FanoutProcess, name: string): Promise<number>;
  /** Resolves once every committed event has been fanned out: the outbox and the log are empty, read fresh. */
  drained(): Promise<void>;
  /** Every process's output, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

export interface ApiProcess extends Process {
  base: string;
  opsBase: string;
}

export interface FanoutProcess extends Process {
  metricsBase: string;
}

export interface GatedFanout extends FanoutProcess {
  send(command: GateCommand): void;
  /** Resolves with the next report of `held` (and what was held). */
  held(): Promise<string>;
  /** Heartbeats its workers have sent so far. */
  heartbeats(): number;
  /** Resolves with the id of the next message whose ack was sent (its event applied and counted). */
  nextAck(): Promise<string>;
}

const ROOT = new URL('../../', import.meta.url);
const ENTRY = new URL('test/faults/starling.ts', ROOT).pathname;
const GATED = new URL('test/faults/gated-fanout.ts', ROOT).pathname;

/** Prometheus text to a sum per metric name (every label set added up). */
export function sumOf(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) total += Number(line.split(' ').at(-1));
  }
  return total;
}

export async function startCluster(name: string, settings: Record<string, string> = {}): Promise<Cluster> {
  const base = new URL(process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
  const database = `${base.pathname.slice(1) || 'test'}_faults_${name}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const direct = new URL(base);
  direct.pathname = `/${database}`;
  const db = new pg.Client({ connectionString: direct.toString() });
  await db.connect();
  const dbLink = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaLink = new URL(direct);
  viaLink.host = `127.0.0.1:${dbLink.port}`;

  const natsPort = await freePort();
  let nats = await natsServer(natsPort);
  const storeDir = nats.storeDir;
  const redisPort = await freePort();
  const redis = await redisServer(redisPort);
  const namespace = `faults_${name}`;
  const env: Record<string, string> = {
    DATABASE_URL: viaLink.toString(),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    NATS_URL: `nats://127.0.0.1:${natsPort}`,
    STARLING_NAMESPACE: namespace,
    STARLING_SCRYPT_LOG_N: '10',
    LOG_LEVEL: 'warn',
    STARLING_RATE_LIMITS: 'off',
    ...settings,
  };
  const all: Process[] = [];
  const cluster: Cluster = {
    db,
    dbLink,
    redisUrl: env.REDIS_URL as string,
    natsUrl: env.NATS_URL as string,
    namespace,
    apis: [],
    fanouts: [],

    async startApi() {
      const [port, opsPort] = [await freePort(), await freePort()];
      const child = spawnStarling(ENTRY, ['api'], {
        ...env,
        PORT: String(port),
        STARLING_METRICS_PORT: String(opsPort),
      });
      const api = {
        ...track(child),
        base: `http://127.0.0.1:${port}`,
        opsBase: `http://127.0.0.1:${opsPort}`,
      };
      all.push(api);
      await until('an api process', () => tcpOpen(port), 60_000);
      cluster.apis.push(api);
      return api;
    },

    async startFanout() {
      const port = await freePort();
      const child = spawnStarling(ENTRY, ['fanout'], { ...env, STARLING_METRICS_PORT: String(port) });
      const fanout = { ...track(child), metricsBase: `http://127.0.0.1:${port}` };
      all.push(fanout);
      await until('a fanout process', () => tcpOpen(port), 60_000);
      cluster.fanouts.push(fanout);
      return fanout;
    },

    async startGatedFanout(gate) {
      const port = await freePort();
      const child = spawnStarling(
        GATED,
        [],
        { ...env, STARLING_METRICS_PORT: String(port), STARLING_TEST_GATE: JSON.stringify(gate) },
        true,
      );
      let beats = 0;
      const held = mailbox();
      const acks = mailbox();
      const ready = new Promise<void>((resolve) => {
        child.on('message', (report: GateReport) => {
          if ('ready' in report) resolve();
          else if ('heartbeat' in report) beats = report.heartbeat;
          else if ('acked' in report) acks.put(report.acked);
          else held.put(report.detail ?? report.held);
        });
      });
      const gated: GatedFanout = {
        ...track(child),
        metricsBase: `http://127.0.0.1:${port}`,
        send: (command) => child.send(command),
        held: () => within(held.take(), 'the gate to be reached', () => cluster.output()),
        heartbeats: () => beats,
        nextAck: () => within(acks.next(), 'an acknowledgement', () => cluster.output()),
      };
      all.push(gated);
      const died = new Promise<never>((_, reject) =>
        child.once('exit', (code, signal) =>
          reject(new Error(`the gated fanout process exited (${code ?? signal}):\n${gated.output()}`)),
        ),
      );
      await Promise.race([ready, died]);
      cluster.fanouts.push(gated);
      return gated;
    },

    async stopNats() {
      await nats.kill('SIGKILL');
    },
    async startNats() {
      if (exited(nats) === null) return;
      nats = await natsServer(natsPort, storeDir);
    },
    async stopRedis() {
      await redis.kill('SIGKILL');
    },

    async metric(fanout, metric) {
      return sumOf(await scrape(fanout), metric);
    },

    async drained() {
      // Any fanout process that answers will do (a stopped one does not): they all read the same outbox and log.
      const drainedBy = async (fanout: FanoutProcess) => {
        const text = await scrape(fanout);
        return (
          sumOf(text, 'starling_worker_gauge_age_seconds') === 0 &&
          sumOf(text, 'starling_outbox_backlog') === 0 &&
          sumOf(text, 'starling_log_consumer_pending') === 0
        );
      };
      try {
        await until(
          'fanout to drain',
          async () => {
            const live = cluster.fanouts.filter((f) => exited(f) === null);
            const answers = await Promise.all(live.map((f) => drainedBy(f).catch(() => false)));
            return answers.includes(true);
          },
          90_000,
        );
      } catch (error) {
        throw new Error(`${error}\n${cluster.output()}`);
      }
    },

    output: () =>
      all
        .map((p) => p.output())
        .join('\n---\n')
        .slice(-4_000),

    async close() {
      for (const process of all) await process.kill('SIGKILL');
      await nats.kill('SIGKILL');
      await redis.kill('SIGKILL');
      await removeDir(storeDir);
      await dbLink.close();
      await db.end();
    },
  };
  return cluster;
}

/** A fanout process's /metrics, or an error if it does not answer within a second (a stopped process never does). */
async function scrape(fanout: FanoutProcess): Promise<string> {
  return (await fetch(`${fanout.metricsBase}/metrics`, { signal: AbortSignal.timeout(1_000) })).text();
}

/** `promise`, or an error saying what never came (and what the processes printed) after a minute. */
function within<T>(promise: Promise<T>, what: string, output: () => string): Promise<T> {
  const signal = AbortSignal.timeout(60_000);
  const late = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error(`gave up waiting for ${what}\n${output()}`))),
  );
  late.catch(() => undefined);
  return Promise.race([promise, late]);
}

/** Reports in arrival order, each taken once, whether the taker came before or after it arrived. */
function mailbox() {
  const kept: string[] = [];
  const takers: ((value: string) => void)[] = [];
  return {
    put(value: string) {
      const taker = takers.shift();
      if (taker) taker(value);
      else kept.push(value);
    },
    take(): Promise<string> {
      const value = kept.shift();
      return value === undefined ? new Promise((resolve) => takers.push(resolve)) : Promise.resolve(value);
    },
    /** The next report from now on, forgetting those that came before. */
    next(): Promise<string> {
      kept.length = 0;
      return new Promise((resolve) => takers.push(resolve));
    },
  };
}

function spawnStarling(
  entry: string,
  args: string[],
  env: Record<string, string>,
  ipc = false,
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT.pathname,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves when the process stops on its own (a crash); `null` while it runs. */
export const exited = (p: Process) => p.child.exitCode ?? p.child.signalCode;
