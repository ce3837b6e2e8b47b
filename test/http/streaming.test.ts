import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Cluster, Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisTimelineFeed } from '../../src/adapters/redis/redis-timeline-feed.js';
import { createApp } from '../../src/app.js';
import { feedEventId, type TimelineFeed } from '../../src/ports/timeline-feed.js';
import { follow, plain, post as postAs } from '../support/client-api.js';
import { TestClock } from '../support/clock.js';
import { resetDatabase, sharedPglite } from '../support/database.js';
import { type Harness, harnessFor, testConfig, type User } from '../support/harness.js';
import { needs, serverUrl } from '../support/servers.js';

/** An open event stream, read as text until what a test waits for arrives. */
interface Stream {
  /** Resolves with the next frame matching `pattern`, skipping (and keeping) the ones before it. */
  next(pattern: RegExp): Promise<string>;
  close(): void;
}

const WAIT_MS = 10_000;

async function openStream(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: string[] = [];
  async function next(pattern: RegExp): Promise<string> {
    const deadline = AbortSignal.timeout(WAIT_MS);
    for (;;) {
      const at = frames.findIndex((frame) => pattern.test(frame));
      if (at >= 0) return frames.splice(0, at + 1).at(-1) as string;
      if (deadline.aborted)
        throw new Error(`no frame matching ${pattern} within ${WAIT_MS} ms; got ${frames}`);
      const { value, done } = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) =>
          deadline.addEventListener('abort', () => reject(new Error(`timed out waiting for ${pattern}`))),
        ),
      ]);
      if (done) throw new Error(`the stream ended before ${pattern}`);
      buffer += decoder.decode(value, { stream: true });
      const parts = buffer.split('\n\n');
      buffer = parts.pop() ?? '';
      frames.push(...parts);
    }
  }
  return { next, close: () => controller.abort() };
}

// The shared database is opened once, before the first test (a fresh PGlite takes seconds).
beforeAll(async () => void (await sharedPglite()), 120_000);

let h: Harness | undefined;
let base = '';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(feed?: TimelineFeed) {
  const sql = await sharedPglite();
  await resetDatabase(sql);
  const clock = new TestClock();
  const app = await createApp(testConfig(), {
    role: 'all',
    sql,
    clock,
    logger: false,
    ...(feed ? { feed } : {}),
  });
  h = harnessFor(app, clock);
  base = await app.http.listen({ port: 0, host: '127.0.0.1' });
  return h;
}

const post = (user: User, text: string) => postAs(h as Harness, user, text);

/** An `update` frame carries the Status as JSON: its id and text, and whose it is. */
function update(frame: string) {
  const [event, data] = frame.split('\n');
  expect(event).toBe('event: update');
  expect(data?.startsWith('data: ')).toBe(true);
  const status = JSON.parse((data as string).slice('data: '.length));
  return { id: status.id as string, text: plain(status), author: status.account.username as string };
}

const CONNECTED = /^retry: \d+\n:\)$/;

/** The behaviour every feed must give the streaming route. */
function streamingSuite(name: string, makeFeed: () => Promise<TimelineFeed | undefined>) {
  describe(`GET /api/v1/streaming/user (${name})`, () => {
    it('requires a valid token, in the header or as access_token, and ignores unknown parameters', async () => {
      const harness = await start(await makeFeed());
      expect((await harness.call('GET', '/api/v1/streaming/user')).status).toBe(401);
      const forged = await harness.call('GET', `/api/v1/streaming/user?access_token=${'x'.repeat(40)}`);
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('unauthorized');
      const malformed = await harness.call('GET', '/api/v1/streaming/user?access_token=%3Cscript%3E');
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('validation_failed');
      // Clients send what their Mastodon libraries send (`stream=user`, say); what the route does not know it ignores.
      const alice = await harness.signUp('alice');
      const stream = await openStream(
        `${base}/api/v1/streaming/user?stream=user&access_token=${alice.token}`,
      );
      cleanups.push(async () => stream.close());
      await stream.next(CONNECTED);
    });

    it('pushes an update after follow + post + drain, a delete after a delete, and nothing from others', async () => {
      const harness = await start(await makeFeed());
      const [alice, bob, carol] = [
        await harness.signUp('alice'),
        await harness.signUp('bob'),
        await harness.signUp('carol'),
      ];
      expect((await follow(harness, bob, alice)).status).toBe(200);
      // Bob reads his timeline first, as the web client does: fanout goes only to timelines that exist.
      expect((await harness.call('GET', '/api/v1/timelines/home', { token: bob.token })).status).toBe(200);
      await harness.drain();

      const stream = await openStream(`${base}/api/v1/streaming/user?access_token=${bob.token}`);
      cleanups.push(async () => stream.close());
      await stream.next(CONNECTED);

      const first = await post(alice, 'hello bob');
      await harness.drain();
      expect(update(await stream.next(/^event: update/))).toEqual({
        id: first,
        text: 'hello bob',
        author: 'alice',
      });

      // Carol is not followed: her post must not reach Bob's stream, so the next update is Alice's second post.
      await post(carol, 'not for bob');
      const second = await post(alice, 'again');
      await harness.drain();
      expect(update(await stream.next(/^event: /))).toEqual({ id: second, text: 'again', author: 'alice' });

      expect((await harness.call('DELETE', `/api/v1/statuses/${first}`, { token: alice.token })).status).toBe(
        200,
      );
      await harness.drain();
      expect(await stream.next(/^event: /)).toBe(`event: delete\ndata: ${first}`);
    });

    it('sends status.update with the post as it is now when one in the timeline is edited', async () => {
      const harness = await start(await makeFeed());
      const [alice, bob] = [await harness.signUp('alice'), await harness.signUp('bob')];
      await follow(harness, bob, alice);
      const id = await post(alice, 'first thoughts');
      await harness.drain();
      const stream = await openStream(`${base}/api/v1/streaming/user?access_token=${bob.token}`);
      cleanups.push(async () => stream.close());
      await stream.next(CONNECTED);
      const edited = await harness.call('PUT', `/api/v1/statuses/${id}`, {
        token: alice.token,
        body: { status: 'second thoughts' },
      });
      expect(edited.status).toBe(200);
      await harness.drain();
      const [event, data] = (await stream.next(/^event: /)).split('\n');
      expect(event).toBe('event: status.update');
      const status = JSON.parse((data as string).slice('data: '.length));
      expect({ id: status.id, text: plain(status), edited_at: status.edited_at }).toEqual({
        id,
        text: 'second thoughts',
        edited_at: edited.body.edited_at,
      });
    });

    it('sends a notification to its recipient only, with the Notification as JSON', async () => {
      const harness = await start(await makeFeed());
      const [alice, bob] = [await harness.signUp('alice'), await harness.signUp('bob')];
      const mine = await post(alice, 'like this');
      expect((await harness.call('GET', '/api/v1/timelines/home', { token: bob.token })).status).toBe(200);
      await harness.drain();
      const stream = await openStream(`${base}/api/v1/streaming/user?access_token=${alice.token}`);
      const others = await openStream(`${base}/api/v1/streaming/user?access_token=${bob.token}`);
      cleanups.push(async () => stream.close());
      cleanups.push(async () => others.close());
      await stream.next(CONNECTED);
      await others.next(CONNECTED);
      const liked = await harness.call('POST', `/api/v1/statuses/${mine}/favourite`, { token: bob.token });
      expect(liked.status).toBe(200);
      await harness.drain();
      const [event, data] = (await stream.next(/^event: notification/)).split('\n');
      expect(event).toBe('event: notification');
      const notification = JSON.parse((data as string).slice('data: '.length));
      expect(notification).toMatchObject({
        type: 'favourite',
        account: { id: bob.id },
        status: { id: mine, favourited: false },
      });
      const listed = await harness.call('GET', '/api/v1/notifications', { token: alice.token });
      expect(listed.body.map((n: { id: string }) => n.id)).toEqual([notification.id]);
      // Bob's stream had nothing of Alice's notification: the next frame it has is his own post.
      const own = await post(bob, 'mine');
      await harness.drain();
      expect(update(await others.next(/^event: /)).id).toBe(own);
    });

    it("takes the token from the Authorization header too, and streams the reader's own posts", async () => {
      const harness = await start(await makeFeed());
      const alice = await harness.signUp('alice');
      await harness.call('GET', '/api/v1/timelines/home', { token: alice.token });
      const stream = await openStream(`${base}/api/v1/streaming/user`, {
        authorization: `Bearer ${alice.token}`,
      });
      cleanups.push(async () => stream.close());
      await stream.next(CONNECTED);
      const id = await post(alice, 'my own');
      await harness.drain();
      expect(update(await stream.next(/^event: /))).toEqual({ id, text: 'my own', author: 'alice' });
    });
  });
}

streamingSuite('in-process feed', async () => undefined);

it('never writes the access_token of a stream URL to the request log', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const sql = await sharedPglite();
  await resetDatabase(sql);
  const clock = new TestClock();
  const app = await createApp(testConfig(), {
    role: 'all',
    sql,
    clock,
    logger: pino({ level: 'info' }, sink),
  });
  h = harnessFor(app, clock);
  base = await app.http.listen({ port: 0, host: '127.0.0.1' });
  const alice = await h.signUp('alice');
  const stream = await openStream(`${base}/api/v1/streaming/user?access_token=${alice.token}`);
  cleanups.push(async () => stream.close());
  await stream.next(CONNECTED);
  const logged = lines.join('');
  expect(logged).toContain('/api/v1/streaming/user?access_token=[redacted]');
  expect(logged).not.toContain(alice.token);
});

/** The Redis feed over one connection kind: a standalone server or a Cluster. */
function redisFeedSuite(
  name: string,
  server: 'redis' | 'redisCluster',
  connect: (url: string) => Redis | Cluster,
) {
  const url = serverUrl(server);
  describe(`Redis feed (${name})`, needs(server), () => {
    const namespace = `test-feed-${process.env.VITEST_POOL_ID ?? '0'}-${randomUUID().slice(0, 8)}`;

    function openFeed() {
      const redis = connect(url as string);
      const feed = new RedisTimelineFeed({ redis, namespace, clock: new TestClock() });
      cleanups.push(async () => {
        await feed.close();
        await redis.del(`${namespace}:feed:readers`);
        await redis.quit();
      });
      return { redis, feed };
    }

    streamingSuite(`Redis pub/sub, ${name}`, async () => openFeed().feed);

    it('publishes only for connected readers, a batch in one message', async () => {
      const { redis, feed } = openFeed();
      const listener = redis.duplicate();
      cleanups.push(async () => void (await listener.quit()));
      const messages: string[] = [];
      const arrived = new Promise<void>((resolve) => {
        listener.on('message', (_channel: string, message: string) => {
          messages.push(message);
          resolve();
        });
      });
      await listener.subscribe(`${namespace}:feed`);
      const seen: bigint[] = [];
      let told: () => void = () => undefined;
      const delivered = new Promise<void>((resolve) => {
        told = resolve;
      });
      const stop = await feed.subscribe(7n, (event) => {
        seen.push(feedEventId(event));
        told();
      });

      // Nobody among 8 and 9 is connected: no message at all. The next batch reaches reader 7 only, in one message
      // that keeps the batch's order.
      await feed.publish([{ kind: 'update', tweetId: 100n, readerIds: [8n, 9n] }]);
      await feed.publish([
        { kind: 'update', tweetId: 101n, readerIds: [8n, 7n, 9n] },
        { kind: 'update', tweetId: 102n, readerIds: [9n] },
        { kind: 'delete', tweetId: 101n, readerIds: [7n] },
      ]);
      await Promise.all([arrived, delivered]);
      expect(messages.map((m) => JSON.parse(m))).toEqual([
        [
          { k: 'update', t: '101', r: ['7'] },
          { k: 'delete', t: '101', r: ['7'] },
        ],
      ]);
      expect(seen).toEqual([101n, 101n]);
      stop();
    });

    it('carries an edit (status.update) to a connected reader like any other event', async () => {
      const { feed } = openFeed();
      let told: (event: unknown) => void = () => undefined;
      const delivered = new Promise<unknown>((resolve) => {
        told = resolve;
      });
      const stop = await feed.subscribe(7n, (event) => told(event));
      cleanups.push(async () => stop());
      await feed.publish([{ kind: 'status.update', tweetId: 102n, readerIds: [7n] }]);
      expect(await delivered).toEqual({ kind: 'status.update', tweetId: 102n });
    });
  });
}

redisFeedSuite('standalone', 'redis', (url) => new Redis(url));
redisFeedSuite('Cluster', 'redisCluster', (nodes) => {
  const startupNodes = nodes.split(',').map((node) => {
    const [host = '127.0.0.1', port = '6379'] = node.trim().split(':');
    return { host, port: Number(port) };
  });
  return new Cluster(startupNodes);
});
