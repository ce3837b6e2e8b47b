import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../support/servers.js';
import { type Account, type Client, createClient, type Operation } from './client.js';
import { type Cluster, exited, startCluster } from './cluster.js';
import type { LinkState } from './tcp-proxy.js';
import { verify } from './verify.js';

/**
 * Services mode as deployed (two api and two fanout processes) under a steady load of posts, deletes and reads,
 * while PostgreSQL is blackholed for 5 s and then cut off for 3 s. Nothing answers a 5xx other than 503, no request
 * goes unanswered for the client's 5 s, every process keeps running, and once the database is back every
 * acknowledged tweet reaches its readers and every timeline equals the truth.
 */
const PHASES: { link: LinkState; ms: number }[] = [
  { link: 'pass', ms: 3_000 },
  { link: 'hold', ms: 5_000 },
  { link: 'pass', ms: 3_000 },
  { link: 'cut', ms: 3_000 },
  { link: 'pass', ms: 3_000 },
];
/** One operation started every this many ms (about 20 a second), whether the last ones answered or not. */
const TICK_MS = 50;

describe('acceptance: a database outage under load', needs('postgres', 'nats'), () => {
  let cluster: Cluster;
  let client: Client;

  beforeAll(async () => {
    cluster = await startCluster('acceptance');
    for (let i = 0; i < 2; i++) await cluster.startApi();
    for (let i = 0; i < 2; i++) await cluster.startFanout();
    client = createClient(() => cluster.apis.map((api) => api.base));
  }, 120_000);
  afterAll(() => cluster?.close());

  it('5 s blackhole, then a 3 s cut: only 503s, nothing unanswered, nothing dies, everything delivered after', async () => {
    const authors: Account[] = [];
    for (let i = 0; i < 4; i++) authors.push(await client.signUp(`author${i}`));
    const readers: Account[] = [];
    for (let i = 0; i < 8; i++) {
      const reader = await client.signUp(`reader${i}`);
      for (const author of authors) await client.follow(reader, author);
      await client.home(reader);
      readers.push(reader);
    }
    await cluster.drained();

    const inFlight: Promise<Operation | string[] | null>[] = [];
    const posted: { author: Account; id: string }[] = [];
    let n = 0;
    const operate = () => {
      const i = n++;
      const author = authors[i % authors.length] as Account;
      if (i % 10 < 5) {
        return client.post(author).then((op) => {
          if (op.outcome === 'ok' && op.id) posted.push({ author, id: op.id });
          return op;
        });
      }
      if (i % 10 === 5 && posted.length > 0) {
        const victim = posted.splice(Math.floor(posted.length / 2), 1)[0] as {
          author: Account;
          id: string;
        };
        return client.delete(victim.author, victim.id);
      }
      return client.homePage(readers[i % readers.length] as Account);
    };
    for (const phase of PHASES) {
      cluster.dbLink.set(phase.link);
      const until = performance.now() + phase.ms;
      while (performance.now() < until) {
        inFlight.push(operate());
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
    }
    cluster.dbLink.set('pass');
    await Promise.all(inFlight);
    const recovered = performance.now();
    await cluster.drained();
    const deliveredMs = performance.now() - recovered;

    const { history } = client;
    expect(history.broken, JSON.stringify(history.summary())).toEqual([]);
    expect(
      history.operations.filter((o) => o.status !== null && o.status >= 500 && o.status !== 503),
    ).toEqual([]);
    // The outage was felt (as 503s), and the load went on around it.
    expect(history.operations.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    expect(history.of('post', 'ok').length).toBeGreaterThan(50);
    for (const process of [...cluster.apis, ...cluster.fanouts]) expect(exited(process)).toBeNull();
    expect(await verify(history, cluster.db, client, readers)).toEqual([]);
    // Within seconds of the database coming back, everything acknowledged has been fanned out (a generous bound for
    // a shared machine; the redelivery and retry waits involved are a few seconds).
    expect(deliveredMs).toBeLessThan(30_000);
    expect(history.slowestMs).toBeLessThan(5_000);
  }, 180_000);
});
