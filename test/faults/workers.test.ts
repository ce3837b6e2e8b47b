import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedis, type RedisClient } from '../../src/adapters/redis/redis-connection.js';
import { RedisTimelineCache } from '../../src/adapters/redis/redis-timeline-cache.js';
import { needs } from '../support/servers.js';
import { type Account, type Client, createClient } from './client.js';
import { type Cluster, type FanoutProcess, startCluster } from './cluster.js';
import { until } from './processes.js';
import { verify } from './verify.js';

/**
 * Fanout processes failing at exact points, on real servers: killed mid-batch, stopped and resumed after their work
 * moved on, killed between publishing an event and recording it, slower than the ack wait. Each point is reached by a
 * gate inside the process (see gated-fanout.ts) that says when it got there, never by timing.
 */
const ACK_WAIT_MS = 3_000;
/** Redelivery is due one ack wait after the last heartbeat; this leaves room for a busy machine (it was 30 s). */
const REDELIVERY_BOUND_MS = 5 * ACK_WAIT_MS;

describe('fanout processes failing at exact points', needs('postgres', 'nats'), () => {
  let cluster: Cluster;
  let client: Client;
  let redis: RedisClient;
  let accounts = 0;

  beforeAll(async () => {
    cluster = await startCluster('workers', { STARLING_ACK_WAIT_MS: String(ACK_WAIT_MS) });
    await cluster.startApi();
    client = createClient(cluster.apis.map((api) => api.base));
    redis = openRedis({ url: cluster.redisUrl }, { onError: () => undefined });
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.close();
  });

  /** An author and followers who each read their home timeline once (so each has a cached one). */
  async function audience(followers: number) {
    const author = await client.signUp(`a${accounts++}`);
    const readers: Account[] = [];
    for (let i = 0; i < followers; i++) {
      const reader = await client.signUp(`r${accounts++}`);
      expect((await client.follow(reader, author)).outcome).toBe('ok');
      await client.home(reader);
      readers.push(reader);
    }
    return { author, readers };
  }

  /** What the timeline cache holds for a reader, around the API and its read filter. */
  async function cached(reader: Account): Promise<string[]> {
    const cache = new RedisTimelineCache({
      redis,
      prefix: `${cluster.namespace}:home`,
      maxEntries: 800,
      ttlMs: 86_400_000,
    });
    const timeline = await cache.read(BigInt(reader.id), { limit: 1_000 });
    return (timeline?.entries ?? []).map((e) => e.tweetId.toString());
  }

  const stopAll = async (fanouts: FanoutProcess[]) => {
    for (const fanout of fanouts) await fanout.kill('SIGKILL');
    cluster.fanouts.length = 0;
  };

  it('kill -9 mid-batch: the batch is redelivered to the other worker within seconds, each tweet once', async () => {
    const { author, readers } = await audience(8);
    const posts = [];
    for (let i = 0; i < 20; i++) posts.push(await client.post(author));
    expect(posts.every((p) => p.outcome === 'ok')).toBe(true);
    // The only worker takes the whole backlog as one batch and is held at the author's 10th tweet: nine applied to
    // the cache, eleven not, none acknowledged.
    const doomed = await cluster.startGatedFanout({ arm: 'insert', authorId: author.id, nth: 10 });
    await doomed.held();
    await cluster.startFanout();
    const killed = performance.now();
    await doomed.kill('SIGKILL');
    await cluster.drained();
    expect(performance.now() - killed).toBeLessThan(REDELIVERY_BOUND_MS);
    const expected = posts.map((p) => p.id).reverse();
    for (const reader of readers) {
      expect(await client.home(reader, 50)).toEqual(expected);
      expect(await cached(reader)).toEqual(expected);
    }
    expect((await client.counts(author)).statuses_count).toBe(20);
    expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
    await stopAll(cluster.fanouts);
  }, 120_000);

  it('SIGSTOP, then SIGCONT after the event was redelivered and the tweet deleted: no resurrection', async () => {
    const { author, readers } = await audience(3);
    const zombie = await cluster.startGatedFanout({ arm: 'insert', authorId: author.id, nth: 1 });
    const post = await client.post(author);
    await zombie.held(); // it found the tweet live and is about to write it
    zombie.child.kill('SIGSTOP');
    const healthy = await cluster.startFanout();
    await until('the redelivered tweet', async () =>
      (await cached(readers[0] as Account)).includes(post.id ?? ''),
    );
    expect((await client.delete(author, post.id as string)).outcome).toBe('ok');
    await cluster.drained();
    for (const reader of readers) expect(await cached(reader)).toEqual([]);

    const applied = zombie.nextAck();
    zombie.child.kill('SIGCONT');
    zombie.send({ release: true });
    await applied; // its late writes are done
    for (const reader of readers) {
      expect(await cached(reader)).toEqual([]);
      expect(await client.home(reader)).toEqual([]);
    }
    expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
    await stopAll([zombie, healthy]);
  }, 120_000);

  it('the relay killed between publishing and recording: published again, delivered once', async () => {
    const { author, readers } = await audience(2);
    await cluster.startFanout();
    await cluster.drained();
    await stopAll(cluster.fanouts);
    const relay = await cluster.startGatedFanout({ arm: 'published' });
    const post = await client.post(author);
    // Nothing else is waiting (the audience's follows were applied first): what is held is the post's event, on the
    // log and not yet marked published in the outbox.
    await relay.held();
    await relay.kill('SIGKILL');
    await cluster.startFanout();
    await cluster.drained();
    for (const reader of readers) expect(await client.home(reader)).toEqual([post.id]);
    expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
    await stopAll(cluster.fanouts);
  }, 120_000);

  it('a consumer slower than the ack wait keeps its batch: no other worker gets it, it is applied once', async () => {
    const { author, readers } = await audience(2);
    const slow = await cluster.startGatedFanout({ arm: 'insert', authorId: author.id, nth: 1 });
    const post = await client.post(author);
    await slow.held();
    const other = await cluster.startFanout();
    const redeliveredBefore = await redeliveries(cluster);
    // Two ack waits pass while the slow worker holds the batch, saying it is still working on it.
    const beats = slow.heartbeats();
    await until('two ack waits of heartbeats', async () => slow.heartbeats() >= beats + 6, 60_000);
    expect(await cluster.metric(other, 'starling_fanout_events_total')).toBe(0);
    expect(await redeliveries(cluster)).toBe(redeliveredBefore);
    const applied = slow.nextAck();
    slow.send({ release: true });
    await applied;
    await cluster.drained();
    expect(await cluster.metric(other, 'starling_fanout_events_total')).toBe(0);
    for (const reader of readers) expect(await client.home(reader)).toEqual([post.id]);
    expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
    await stopAll([slow, other]);
  }, 120_000);

  it('out of order: a deletion applied before its creation, read in pages of two, leaves nothing behind', async () => {
    const { author, readers } = await audience(3);
    const before = [await client.post(author), await client.post(author), await client.post(author)];
    const first = await cluster.startFanout();
    await cluster.drained();
    await first.kill('SIGKILL');
    cluster.fanouts.length = 0;
    // One worker holds the creation (alive, so nobody else gets it); the other applies the deletion first.
    const late = await cluster.startGatedFanout({ arm: 'insert', authorId: author.id, nth: 1 });
    const post = await client.post(author);
    await late.held();
    await cluster.startFanout();
    expect((await client.delete(author, post.id as string)).outcome).toBe('ok');
    await until(
      'the deletion applied',
      async () =>
        (await cluster.metric(cluster.fanouts[1] as FanoutProcess, 'starling_fanout_events_total')) > 0,
    );
    const applied = late.nextAck();
    late.send({ release: true });
    await applied;
    await cluster.drained();
    const expected = before.map((p) => p.id).reverse();
    for (const reader of readers) {
      expect(await client.home(reader, 2)).toEqual(expected);
      expect(await cached(reader)).toEqual(expected);
    }
    expect(await verify(client.history, cluster.db, client, readers)).toEqual([]);
    await stopAll(cluster.fanouts);
  }, 120_000);

  it('every event of the file reached the log once, whatever was republished', async () => {
    const [{ last }] = (
      await cluster.db.query<{ last: string }>('SELECT last_value::text AS last FROM outbox_id_seq')
    ).rows as [{ last: string }];
    expect(await logMessages(cluster)).toBe(Number(last));
  });
});

/** The log's own counts, from NATS. */
async function consumerInfo(cluster: Cluster) {
  const nc = await connect({ servers: cluster.natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = await jsm.streams.info(`${cluster.namespace}_EVENTS`);
    const consumer = await jsm.consumers.info(
      `${cluster.namespace}_EVENTS`,
      `${cluster.namespace}_fanout_workers`,
    );
    return { messages: stream.state.messages, redelivered: consumer.num_redelivered };
  } finally {
    await nc.close();
  }
}
const redeliveries = async (cluster: Cluster) => (await consumerInfo(cluster)).redelivered;
const logMessages = async (cluster: Cluster) => (await consumerInfo(cluster)).messages;
