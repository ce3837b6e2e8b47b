import { createRestAPIClient, createStreamingAPIClient, type mastodon } from 'masto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { registerApp, revoke, signUpThrough } from '../support/apps.js';
import { follow, home, plain, post } from '../support/client-api.js';
import { sharedPglite } from '../support/database.js';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';
import { type Frame, openSocket, refusedWith, type Socket, subscriptions } from '../support/sockets.js';

// The shared database is opened once, before the first test (a fresh PGlite takes seconds).
beforeAll(async () => void (await sharedPglite()), 120_000);

let h: Harness | undefined;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await h?.close();
  h = undefined;
});

/** Listens, and answers the streaming URL clients read from the instance document (`ws://host:port`). */
async function listen(harness: Harness): Promise<string> {
  const base = await harness.app.http.listen({ port: 0, host: '127.0.0.1' });
  const instance = await createRestAPIClient({ url: base }).v2.instance.fetch();
  expect(instance.configuration.urls.streaming).toBe(base.replace(/^http/, 'ws'));
  return instance.configuration.urls.streaming;
}

function masto(streamingApiUrl: string, user: User, extra: { useInsecureAccessToken?: boolean } = {}) {
  const client = createStreamingAPIClient({
    streamingApiUrl,
    accessToken: user.token,
    implementation: WebSocket,
    retry: false,
    ...extra,
  });
  cleanups.push(() => client.close());
  return client;
}

/** Reads a masto.js subscription event by event; the first read opens the socket and subscribes. */
function reader(subscription: mastodon.streaming.Subscription) {
  const events = subscription[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<mastodon.streaming.Event>> | undefined;
  return {
    /** Starts reading (connects and subscribes); the next `event()` answers what arrives. */
    start() {
      pending ??= events.next();
    },
    async event(): Promise<mastodon.streaming.Event> {
      const next = pending ?? events.next();
      pending = undefined;
      const { value, done } = await next;
      if (done) throw new Error('the subscription ended');
      return value;
    },
  };
}

async function socket(url: string, options: Parameters<typeof openSocket>[1] = {}): Promise<Socket> {
  const opened = await openSocket(url, options);
  cleanups.push(() => opened.close());
  return opened;
}

const statusOf = (frame: Frame) => ({ id: frame.payload.id as string, text: plain(frame.payload) });

for (const backend of backends()) {
  describe(`the WebSocket streaming API (${backend.name})`, () => {
    async function start(overrides = {}) {
      h = await startHarness(overrides, undefined, backend);
      const url = await listen(h);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      expect((await follow(h, bob, alice)).status).toBe(200);
      // Fanout goes to timelines that exist: Bob has read his, as a client does at start.
      expect((await home(h, bob)).status).toBe(200);
      await h.drain();
      return { harness: h, url, alice, bob };
    }

    it('streams update, delete and notification on the user stream to masto.js, the token in the subprotocol', async () => {
      const { harness, url, alice, bob } = await start();
      const client = masto(url, bob);
      const user = reader(client.user.subscribe());
      const notifications = reader(client.user.notification.subscribe());
      user.start();
      notifications.start();
      await subscriptions(harness, 2);

      const id = await post(harness, alice, 'hello bob');
      await harness.drain();
      const update = await user.event();
      expect(update.event).toBe('update');
      expect(update.stream).toEqual(['user']);
      if (update.event !== 'update') return;
      expect({ id: update.payload.id, text: update.payload.content.replace(/<[^>]+>/g, '') }).toEqual({
        id,
        text: 'hello bob',
      });
      expect(update.payload.account.username).toBe('alice');

      expect((await harness.call('DELETE', `/api/v1/statuses/${id}`, { token: alice.token })).status).toBe(
        200,
      );
      await harness.drain();
      expect(await user.event()).toEqual({ stream: ['user'], event: 'delete', payload: id });

      // Bob's own post reaches his user stream; Alice's like of it is a notification on both of his streams.
      const mine = await post(harness, bob, 'like this');
      await harness.drain();
      const own = await user.event();
      expect(own.event === 'update' && own.payload.id).toBe(mine);
      const liked = await harness.call('POST', `/api/v1/statuses/${mine}/favourite`, { token: alice.token });
      expect(liked.status).toBe(200);
      await harness.drain();
      for (const [stream, events] of [
        ['user', user],
        ['user:notification', notifications],
      ] as const) {
        const event = await events.event();
        expect(event.stream).toEqual([stream]);
        expect(event.event).toBe('notification');
        if (event.event !== 'notification') return;
        expect([event.payload.type, event.payload.account.username, event.payload.status?.id]).toEqual([
          'favourite',
          'alice',
          mine,
        ]);
      }
    });

    it('takes the token as access_token or an Authorization header too, echoes the subprotocol, and refuses others', async () => {
      const { harness, url, alice, bob } = await start();
      const streaming = `${url}/api/v1/streaming`;
      const byProtocol = await socket(`${streaming}?stream=user`, { protocols: [bob.token] });
      expect(byProtocol.ws.protocol).toBe(bob.token);
      const byHeader = await socket(`${streaming}?stream=user`, {
        headers: { authorization: `Bearer ${bob.token}` },
      });
      const byQuery = reader(masto(url, bob, { useInsecureAccessToken: true }).user.subscribe());
      byQuery.start();
      await subscriptions(harness, 3);

      const id = await post(harness, alice, 'three ways');
      await harness.drain();
      expect(statusOf(await byProtocol.next())).toEqual({ id, text: 'three ways' });
      expect(statusOf(await byHeader.next())).toEqual({ id, text: 'three ways' });
      const event = await byQuery.event();
      expect(event.event === 'update' && event.payload.id).toBe(id);

      expect(await refusedWith(streaming)).toBe(401);
      expect(await refusedWith(`${streaming}?access_token=${'x'.repeat(40)}`)).toBe(401);
      expect(await refusedWith(streaming, { protocols: ['y'.repeat(40)] })).toBe(401);
      expect(await refusedWith(`${streaming}?access_token=%3Cscript%3E`)).toBe(400);
      // A plain GET is not a stream.
      expect((await harness.call('GET', '/api/v1/streaming', { token: bob.token })).status).toBe(400);
    });

    it('multiplexes subscribe and unsubscribe messages on one socket, each frame naming its stream', async () => {
      const { harness, url, alice, bob } = await start();
      const ws = await socket(`${url}/api/v1/streaming?stream=user&access_token=${bob.token}`);
      ws.send({ type: 'subscribe', stream: 'hashtag', tag: 'Cats' });
      ws.send({ type: 'subscribe', stream: 'public:local' });
      ws.send({ type: 'subscribe', stream: 'public:local' }); // again: still one subscription
      await subscriptions(harness, 3);

      const first = await post(harness, alice, 'one #cats');
      await harness.drain();
      const streams = [await ws.next(), await ws.next(), await ws.next()].map((frame) => {
        expect(frame.event).toBe('update');
        expect(frame.payload.id).toBe(first);
        return frame.stream;
      });
      expect(streams).toEqual(expect.arrayContaining([['user'], ['hashtag', 'Cats'], ['public:local']]));

      ws.send({ type: 'unsubscribe', stream: 'hashtag', tag: 'Cats' });
      await subscriptions(harness, 2);
      const second = await post(harness, alice, 'two #cats');
      const third = await post(harness, alice, 'three');
      await harness.drain();
      const rest = [await ws.next(), await ws.next(), await ws.next(), await ws.next()];
      expect(rest.map((frame) => [frame.payload.id, frame.stream[0]]).sort()).toEqual(
        [
          [second, 'public:local'],
          [second, 'user'],
          [third, 'public:local'],
          [third, 'user'],
        ].sort(),
      );

      // What cannot be subscribed to is said, as Mastodon says it, and the socket stays open.
      ws.send({ type: 'subscribe', stream: 'nonsense' });
      expect(await ws.next((m) => 'error' in m)).toEqual({ error: 'Unknown stream type', status: 400 });
      ws.send({ type: 'subscribe', stream: 'hashtag' });
      expect(await ws.next((m) => 'error' in m)).toEqual({
        error: 'Missing or invalid tag name parameter',
        status: 400,
      });
      ws.send({ type: 'unsubscribe', stream: 'user' });
      await subscriptions(harness, 1);
    });

    it('streams public and hashtag timelines to masto.js: public posts only, tags matched as posts carry them', async () => {
      const { harness, url, alice, bob } = await start();
      const client = masto(url, bob);
      const tagged = reader(client.hashtag.subscribe({ tag: 'Cats' }));
      const local = reader(client.public.local.subscribe());
      const everything = reader(client.public.subscribe());
      tagged.start();
      local.start();
      everything.start();
      await subscriptions(harness, 3);

      await post(harness, alice, 'for followers #cats', { visibility: 'unlisted' });
      await post(harness, alice, 'no tag here');
      const cats = await post(harness, alice, 'at last #CATS');
      await harness.drain();
      const hashtag = await tagged.event();
      expect(hashtag.stream).toEqual(['hashtag', 'Cats']);
      expect(hashtag.event === 'update' && hashtag.payload.id).toBe(cats);
      const seen = [(await local.event()).payload, (await local.event()).payload].map(
        (status) => (status as mastodon.v1.Status).content,
      );
      expect(seen.map((html) => html.replace(/<[^>]+>/g, ''))).toEqual(['no tag here', 'at last #CATS']);
      const first = await everything.event();
      expect(first.stream).toEqual(['public']);

      expect((await harness.call('DELETE', `/api/v1/statuses/${cats}`, { token: alice.token })).status).toBe(
        200,
      );
      await harness.drain();
      expect(await tagged.event()).toEqual({ stream: ['hashtag', 'Cats'], event: 'delete', payload: cats });
    });
  });
}

describe.skipIf(backends().length < 2)('the WebSocket streaming API across api processes', () => {
  it('delivers a post accepted by one api process to sockets on another', async () => {
    h = await startHarness({}, undefined, backends()[1]);
    const other = await h.anotherApi();
    const url = await listen(other);
    const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
    await follow(h, bob, alice);
    await home(h, bob);
    await h.drain();
    const ws = await socket(`${url}/api/v1/streaming?stream=user&access_token=${bob.token}`);
    ws.send({ type: 'subscribe', stream: 'hashtag', tag: 'far' });
    await subscriptions(other, 2);

    const id = await post(h, alice, 'from the first process #far');
    await h.drain();
    const frames = [await ws.next(), await ws.next()];
    expect(frames.map((f) => [f.stream, f.event, f.payload.id])).toEqual(
      expect.arrayContaining([
        [['user'], 'update', id],
        [['hashtag', 'far'], 'update', id],
      ]),
    );
  });
});

describe('WebSocket connections', () => {
  it('end when their session is revoked, and count against the streams an account may hold', async () => {
    h = await startHarness({ streamsPerAccount: 2 });
    const url = await listen(h);
    const app = await registerApp(h);
    const alice = await signUpThrough(h, app, 'alice');
    const streaming = `${url}/api/v1/streaming?stream=user&access_token=${alice.token}`;
    const first = await socket(streaming);
    const second = await socket(streaming);
    expect(await refusedWith(streaming)).toBe(429);
    await subscriptions(h, 2);
    expect((await revoke(h, app, alice.token)).status).toBe(200);
    expect(await first.closed).toBe(1008);
    expect(await second.closed).toBe(1008);
    await subscriptions(h, 0);
  });

  it('serve the public streams without a token only where the server allows it, never the user streams', async () => {
    h = await startHarness({ anonymousPublicStreams: true });
    const url = await listen(h);
    const alice = await h.signUp('alice');
    const anyone = await socket(`${url}/api/v1/streaming?stream=public:local`);
    anyone.send({ type: 'subscribe', stream: 'user' });
    expect(await anyone.next((m) => 'error' in m)).toEqual({ error: 'Missing access token', status: 401 });
    await subscriptions(h, 1);
    const id = await post(h, alice, 'for anyone');
    await h.drain();
    const frame = await anyone.next();
    expect([frame.stream, frame.event, frame.payload.id]).toEqual([['public:local'], 'update', id]);
    // Anonymous public reading has no place in the event streams' user form either.
    expect((await h.call('GET', '/api/v1/streaming/user')).status).toBe(401);
  });

  it('drop a client that leaves too much unread, with close code 1013, instead of buffering for it', async () => {
    h = await startHarness({ streamBufferBytes: 16_384 });
    const url = await listen(h);
    const alice = await h.signUp('alice');
    const slow = await socket(`${url}/api/v1/streaming?stream=public&access_token=${alice.token}`);
    await subscriptions(h, 1);
    const streaming = h.app.http.streaming;
    let dropped = false;
    streaming?.events.once('dropped', () => {
      dropped = true;
    });
    slow.ws.pause(); // the client stops reading: the kernel's buffers fill, then the server's
    const events = Array.from({ length: 500 }, (_, i) => ({
      kind: 'delete' as const,
      tweetId: BigInt(1_000_000 + i),
      tags: [],
      media: false,
    }));
    let batches = 0;
    while (!dropped && batches < 2_000) {
      await h.app.feed.publishPublic(events);
      batches++;
      // Lets the socket write what was sent (an I/O turn), so what stays unread is the client's doing.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(dropped).toBe(true);
    await subscriptions(h, 0);
    slow.ws.resume();
    expect(await slow.closed).toBe(1013);
    console.log(`slow consumer dropped after ${batches * events.length} delete frames`);
  });

  it('are cut off when they stop answering pings', async () => {
    h = await startHarness({ streamHeartbeatMs: 20 });
    const url = await listen(h);
    const alice = await h.signUp('alice');
    const silent = await socket(`${url}/api/v1/streaming?stream=user&access_token=${alice.token}`, {
      autoPong: false,
    });
    await subscriptions(h, 1);
    // Terminated, not closed: a dead peer would never answer a close frame either.
    expect(await silent.closed).toBe(1006);
    await subscriptions(h, 0);
  });
});
