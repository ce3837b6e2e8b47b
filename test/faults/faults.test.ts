import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl } from '../support/servers.js';
import {
  freePort,
  natsServer,
  type Process,
  redisServer,
  removeDir,
  starling,
  tcpOpen,
  until,
} from './processes.js';

/**
 * Fault tests with real processes: Starling's `api` and `fanout` commands against PostgreSQL, and a NATS and a
 * Redis of the test's own, which it kills and restarts. Each scenario ends in the state the design promises.
 */
const postgres = serverUrl('postgres');
/** Beside the test database (so two checkouts running the suite at once never share one). */
const DATABASE = `${postgres ? new URL(postgres).pathname.slice(1) || 'test' : 'test'}_faults`;

describe.skipIf(!postgres)('fault tolerance with real processes', () => {
  let env: Record<string, string>;
  let nats: Process & { storeDir: string };
  let natsPort: number;
  let redis: Process;
  let apiPort: number;
  let metricsPort: number;
  const running: Process[] = [];

  const base = () => `http://127.0.0.1:${apiPort}`;
  async function call(method: string, path: string, token?: string, body?: unknown) {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      link: response.headers.get('link'),
    };
  }
  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) if (line.startsWith(name)) total += Number(line.split(' ').at(-1));
    return total;
  }
  const start = (role: 'api' | 'fanout') => {
    const { STARLING_METRICS_PORT, ...common } = env;
    const process = starling(role, role === 'fanout' ? env : common);
    running.push(process);
    return process;
  };
  async function startApi() {
    const api = start('api');
    await until('the api process', () => tcpOpen(apiPort));
    return api;
  }
  async function startFanout() {
    const fanout = start('fanout');
    await until('the fanout process', () => tcpOpen(metricsPort));
    return fanout;
  }
  /** Waits for a condition on the fanout process; if it never holds, says where the log stood and what was printed. */
  async function untilFanout(what: string, condition: () => Promise<boolean>) {
    try {
      await until(what, condition, 60_000);
    } catch (error) {
      const state = `backlog=${await metric('starling_outbox_backlog')} pending=${await metric('starling_log_consumer_pending')}`;
      throw new Error(
        `${error} (${state})\n${running
          .map((p) => p.output())
          .join('\n---\n')
          .slice(-4_000)}`,
      );
    }
  }
  /** Everything committed has been fanned out: the outbox and the log are empty. */
  const drained = () =>
    untilFanout(
      'fanout to drain',
      async () =>
        (await metric('starling_outbox_backlog')) === 0 &&
        (await metric('starling_log_consumer_pending')) === 0,
    );
  // Accounts are registered as a client app registers them, with the app's own token.
  let appToken: string | undefined;
  async function signUp(handle: string) {
    if (appToken === undefined) {
      const app = await call('POST', '/api/v1/apps', undefined, {
        client_name: 'fault tests',
        redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
        scopes: 'read write follow',
      });
      const { client_id, client_secret } = app.body;
      const grant = {
        grant_type: 'client_credentials',
        client_id,
        client_secret,
        scope: 'read write follow',
      };
      appToken = (await call('POST', '/oauth/token', undefined, grant)).body.access_token as string;
    }
    const reply = await call('POST', '/api/v1/accounts', appToken, {
      username: handle,
      password: 'correct horse battery',
      agreement: true,
    });
    expect(reply.status).toBe(200);
    const token = reply.body.access_token as string;
    const me = await call('GET', '/api/v1/accounts/verify_credentials', token);
    return { handle, token, id: me.body.id as string };
  }
  /** The newest `limit` ids of the home timeline, paged through its Link header. */
  async function homeIds(token: string, limit = 100): Promise<string[]> {
    const ids: string[] = [];
    let path: string | null = '/api/v1/timelines/home?limit=40';
    while (path !== null && ids.length < limit) {
      const page = await call('GET', path, token);
      ids.push(...page.body.map((status: { id: string }) => status.id));
      const next = /<([^>]+)>;\s*rel="next"/.exec(page.link ?? '')?.[1];
      path = next ? new URL(next).pathname + new URL(next).search : null;
    }
    return ids.slice(0, limit);
  }
  const follow = (who: { token: string }, whom: { id: string }) =>
    call('POST', `/api/v1/accounts/${whom.id}/follow`, who.token);
  const post = (who: { token: string }, text: string) =>
    call('POST', '/api/v1/statuses', who.token, { status: text });

  beforeAll(async () => {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
    const admin = new pg.Client({ connectionString: postgres as string });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    await admin.end();
    natsPort = await freePort();
    nats = await natsServer(natsPort);
    const redisPort = await freePort();
    redis = await redisServer(redisPort);
    apiPort = await freePort();
    metricsPort = await freePort();
    const url = new URL(postgres as string);
    url.pathname = `/${DATABASE}`;
    env = {
      DATABASE_URL: url.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      NATS_URL: `nats://127.0.0.1:${natsPort}`,
      PORT: String(apiPort),
      STARLING_METRICS_PORT: String(metricsPort),
      STARLING_SCRYPT_LOG_N: '10',
    };
  }, 120_000);

  afterAll(async () => {
    for (const process of running) await process.kill();
    await nats?.kill();
    await redis?.kill();
    if (nats) await removeDir(nats.storeDir);
  });

  it('kill -9 of a fanout worker mid-batch: after a restart every follower has every tweet exactly once', async () => {
    const api = await startApi();
    const author = await signUp('author');
    const followers = [];
    for (let i = 0; i < 60; i++) {
      const follower = await signUp(`fan${i}`);
      await follow(follower, author);
      await call('GET', '/api/v1/timelines/home', follower.token); // an active reader has a cached timeline
      followers.push(follower);
    }
    const posted: string[] = [];
    for (let i = 0; i < 80; i++) posted.push((await post(author, `t${i}`)).body.id);
    const fanout = await startFanout();
    // Under way: some events applied. (Not "entries inserted": the followers' follow events may already have merged
    // every tweet into their timelines, and then the tweets' own fanout inserts nothing new.)
    await untilFanout(
      'fanout to be under way',
      async () => (await metric('starling_fanout_events_total')) > 0,
    );
    await fanout.kill('SIGKILL');
    await startFanout();
    await drained();
    const expected = [...posted].reverse();
    for (const follower of followers) expect(await homeIds(follower.token)).toEqual(expected);
    await api.kill('SIGTERM');
  }, 180_000);

  it('NATS stopped while 100 tweets are posted: all accepted, all delivered once it is back', async () => {
    await startApi();
    if (!(await tcpOpen(metricsPort))) await startFanout();
    const author = await signUp('writer');
    const reader = await signUp('reader');
    await follow(reader, author);
    await call('GET', '/api/v1/timelines/home', reader.token);
    await drained();
    await nats.kill('SIGKILL');
    // The fanout process says which dependency it lost; the api process, which never talks to NATS, stays ready.
    const fanoutReady = await fetch(`http://127.0.0.1:${metricsPort}/readyz`);
    expect(fanoutReady.status).toBe(503);
    expect(((await fanoutReady.json()) as { failed: string[] }).failed).toEqual(['nats']);
    expect((await fetch(`${base()}/readyz`)).status).toBe(200);
    const statuses: number[] = [];
    const posted: string[] = [];
    for (let i = 0; i < 100; i++) {
      const reply = await post(author, `offline ${i}`);
      statuses.push(reply.status);
      posted.push(reply.body.id);
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await metric('starling_outbox_backlog')).toBeGreaterThanOrEqual(100);
    nats = await natsServer(natsPort, nats.storeDir);
    await drained();
    expect(await homeIds(reader.token)).toEqual([...posted].reverse().slice(0, 100));
  }, 180_000);

  it('the api crashing right after a commit loses nothing: the outbox still delivers the event', async () => {
    const api = await startApi();
    const author = await signUp('crasher');
    const reader = await signUp('witness');
    await follow(reader, author);
    await call('GET', '/api/v1/timelines/home', reader.token);
    const reply = await post(author, 'last words');
    await api.kill('SIGKILL');
    await startApi();
    await drained();
    expect(await homeIds(reader.token)).toContain(reply.body.id);
  }, 120_000);

  it('after Redis is flushed the next reads equal what PostgreSQL says', async () => {
    const author = await signUp('flushed');
    const reader = await signUp('rereader');
    await follow(reader, author);
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) posted.push((await post(author, `f${i}`)).body.id);
    await drained();
    execFileSync('redis-cli', ['-u', env.REDIS_URL as string, 'FLUSHALL']);
    expect(await homeIds(reader.token)).toEqual([...posted].reverse());

    // Redis gone altogether: /readyz names it, and reads are still served, from PostgreSQL.
    await redis.kill('SIGKILL');
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { failed: string[] }).failed).toEqual(['redis']);
    expect(await homeIds(reader.token)).toEqual([...posted].reverse());
  }, 120_000);
});
