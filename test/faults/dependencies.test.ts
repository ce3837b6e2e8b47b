import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { needs } from '../support/servers.js';
import { type Account, type Client, createClient, History, type Operation } from './client.js';
import { type Cluster, exited, startCluster, sumOf } from './cluster.js';
import { until } from './processes.js';
import { startTcpProxy } from './tcp-proxy.js';
import { verify } from './verify.js';

/**
 * Dependencies lost under real processes (two api, one fanout): NATS stopped, Redis flushed and then gone,
 * PostgreSQL cut and PostgreSQL hung (through a proxy the test holds), an api killed between its commit and its
 * answer, an api stopped. Whatever happens, no request answers a 5xx other than 503 or goes unanswered, every process
 * keeps running, and once the fault is over the recorded history holds against the truth.
 */
describe('dependencies lost under real processes', needs('postgres', 'nats'), () => {
  let cluster: Cluster;
  let client: Client;
  let accounts = 0;

  beforeAll(async () => {
    cluster = await startCluster('dependencies');
    await cluster.startApi();
    await cluster.startApi();
    await cluster.startFanout();
    client = createClient(() => cluster.apis.map((api) => api.base));
  }, 120_000);
  afterAll(() => cluster?.close());

  async function audience(followers: number) {
    const author = await client.signUp(`a${accounts++}`);
    const readers: Account[] = [];
    for (let i = 0; i < followers; i++) {
      const reader = await client.signUp(`r${accounts++}`);
      await client.follow(reader, author);
      await client.home(reader);
      readers.push(reader);
    }
    await cluster.drained();
    return { author, readers };
  }

  /** Nothing answered a 5xx other than 503, nothing went unanswered, and no process died. */
  function expectComposure(operations: readonly Operation[] = client.history.operations) {
    expect(operations.filter((o) => o.outcome === 'error' || o.outcome === 'hung')).toEqual([]);
    for (const process of [...cluster.apis, ...cluster.fanouts]) expect(exited(process)).toBeNull();
  }

  const readyz = async (base: string) => {
    const reply = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: reply.status, text: await reply.text() };
  };

  it('NATS stopped: posts still succeed, /readyz and /metrics say so at once, and all is delivered after', async () => {
    const { author, readers } = await audience(3);
    const fanout = cluster.fanouts[0];
    await cluster.stopNats();
    onTestFinished(() => cluster.startNats().catch(() => undefined));
    const ready = await readyz(fanout?.metricsBase as string);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text).failed).toEqual(['nats']);
    expect(ready.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}/);
    // The api never talks to NATS and stays ready.
    expect((await readyz(cluster.apis[0]?.opsBase as string)).status).toBe(200);
    const posts = [];
    for (let i = 0; i < 30; i++) posts.push(await client.post(author));
    expect(posts.map((p) => p.outcome)).toEqual(posts.map(() => 'ok'));
    // The scrape answers with the last values it could read, and says how old they are.
    const metrics = await fetch(`${fanout?.metricsBase}/metrics`, { signal: AbortSignal.timeout(2_000) });
    const text = await metrics.text();
    const logAge = text
      .split('\n')
      .find((line) => line.startsWith('starling_worker_gauge_age_seconds{source="log"}'));
    expect(Number(logAge?.split(' ').at(-1))).toBeGreaterThan(0);
    expect(sumOf(text, 'starling_outbox_backlog')).toBeGreaterThanOrEqual(30);
    await cluster.startNats();
    await cluster.drained();
    expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
    expectComposure();
  }, 120_000);

  it('Redis flushed: 50 concurrent first reads all equal what PostgreSQL says, and leave the cache right', async () => {
    const { author, readers } = await audience(10);
    for (let i = 0; i < 12; i++) await client.post(author);
    await cluster.drained();
    execFileSync('redis-cli', ['-u', cluster.redisUrl, 'FLUSHALL']);
    const pages = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.homePage(readers[i % readers.length] as Account, 20)),
    );
    const newest = (await client.home(readers[0] as Account)).slice(0, 20);
    for (const page of pages) expect(page).toEqual(newest);
    expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
    expectComposure();
  }, 120_000);

  for (const fault of ['cut', 'hold'] as const) {
    it(`PostgreSQL ${fault === 'cut' ? 'cut off' : 'hung (a blackhole)'}: 503s within the bounds, nothing dies, all recovers`, async () => {
      const { author, readers } = await audience(3);
      const during = new History();
      const faulty = createClient(() => cluster.apis.map((api) => api.base), during);
      cluster.dbLink.set(fault);
      const attempts = await Promise.all([
        ...Array.from({ length: 6 }, () => faulty.post(author)),
        ...readers.map((reader) => faulty.homePage(reader)),
      ]);
      expect(attempts.length).toBeGreaterThan(0);
      for (const operation of during.operations)
        expect(['unknown', 'failed', 'ok']).toContain(operation.outcome);
      expect(during.of('post').filter((o) => o.status !== 503)).toEqual([]);
      for (const base of [cluster.fanouts[0]?.metricsBase, cluster.apis[0]?.opsBase]) {
        const ready = await readyz(base as string);
        expect(ready.status).toBe(503);
        expect(JSON.parse(ready.text).failed).toEqual(['database']);
      }
      cluster.dbLink.set('pass');
      // Back: everything works again without a restart.
      await until('the api to serve again', async () => (await client.post(author)).outcome === 'ok');
      for (let i = 0; i < 3; i++) expect((await client.post(author)).outcome).toBe('ok');
      await cluster.drained();
      client.history.operations.push(...during.operations);
      expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
      expectComposure();
    }, 120_000);
  }

  it('an api killed after its commit, before its answer: the write is there once and delivered', async () => {
    const { author, readers } = await audience(2);
    const victim = cluster.apis[1];
    const front = await startTcpProxy({
      host: '127.0.0.1',
      port: Number(new URL(victim?.base as string).port),
    });
    const through = createClient([`http://127.0.0.1:${front.port}`], client.history);
    front.set('mute'); // requests reach the api; its answers wait in the proxy
    const text = `t-last-words-${accounts}`;
    const posting = through.post(author, undefined, text);
    await until(
      'the commit',
      async () => (await cluster.db.query('SELECT 1 FROM tweets WHERE text = $1', [text])).rowCount === 1,
    );
    await victim?.kill('SIGKILL');
    const post = await posting;
    expect(post.outcome).toBe('unknown');
    await front.close();
    cluster.apis.splice(1, 1);
    await cluster.drained();
    expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
    const replacement = await cluster.startApi();
    expect((await client.post(author, replacement.base)).outcome).toBe('ok');
    expectComposure();
  }, 120_000);

  it('an api stopped (SIGSTOP) and resumed: what it was sent meanwhile is there at most once, the rest is whole', async () => {
    const { author, readers } = await audience(2);
    const stopped = cluster.apis[1];
    stopped?.child.kill('SIGSTOP');
    const meanwhile = new History();
    const toStopped = createClient([stopped?.base as string], meanwhile);
    const waiting = Promise.all([toStopped.post(author), toStopped.post(author)]);
    for (let i = 0; i < 3; i++) expect((await client.post(author, cluster.apis[0]?.base)).outcome).toBe('ok');
    const unanswered = await waiting; // the client gives up on a process that does not answer
    expect(unanswered.map((o) => o.outcome)).toEqual(['hung', 'hung']);
    stopped?.child.kill('SIGCONT');
    await until('the resumed api', async () => (await client.post(author, stopped?.base)).outcome === 'ok');
    await cluster.drained();
    // The requests it was sent while stopped are checked with the rest: each is there at most once.
    const everything = new History();
    everything.operations.push(...client.history.operations, ...meanwhile.operations);
    expect(await verify(everything, cluster.db, client, readers)).toEqual([]);
    expectComposure();
  }, 120_000);

  it('Redis gone: /readyz names it, and reads are served from PostgreSQL', async () => {
    const { author, readers } = await audience(2);
    for (let i = 0; i < 3; i++) await client.post(author);
    await cluster.drained();
    await cluster.stopRedis();
    const ready = await readyz(cluster.apis[0]?.opsBase as string);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text).failed).toEqual(['redis']);
    expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
    expectComposure();
  }, 120_000);
});
