import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { home, post } from '../support/client-api.js';
import { sharedPglite } from '../support/database.js';
import { backends, type Harness, startHarness } from '../support/harness.js';
import { subscriptions } from '../support/sockets.js';

const STREAMS = 500;
/** A generous bound on the server's heap per open stream (a socket, its upgrade request, its subscriptions). */
const HEAP_PER_STREAM_BOUND = 96 * 1024;

beforeAll(async () => void (await sharedPglite()), 120_000);

/** A full collection, so the heap measured is what is live. */
function collect() {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

let h: Harness | undefined;
let clients: Worker | undefined;
afterEach(async () => {
  await clients?.terminate();
  clients = undefined;
  await h?.close();
  h = undefined;
});

/** Resolves with the first message from the clients' thread that has `key`; an error there fails the test. */
function from(worker: Worker, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const on = (message: Record<string, unknown>) => {
      if (message.error) reject(new Error(String(message.error)));
      if (!(key in message)) return;
      worker.off('message', on);
      resolve(message[key]);
    };
    worker.on('message', on);
    worker.once('error', reject);
  });
}

for (const backend of backends()) {
  describe(`${STREAMS} open streams on one api process (${backend.name})`, () => {
    it('are all served, with a bounded heap per stream', { timeout: 180_000 }, async () => {
      h = await startHarness({ streamsPerAccount: STREAMS }, undefined, backend);
      const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
      const alice = await h.signUp('alice');
      expect((await home(h, alice)).status).toBe(200);
      const url = `${base.replace(/^http/, 'ws')}/api/v1/streaming?access_token=${alice.token}`;

      collect();
      const before = getHeapStatistics().used_heap_size;
      clients = new Worker(new URL('../support/stream-clients.mjs', import.meta.url), {
        workerData: { url, count: STREAMS },
      });
      await from(clients, 'opened');
      await subscriptions(h, STREAMS);
      collect();
      const perStream = (getHeapStatistics().used_heap_size - before) / STREAMS;
      console.log(
        `${backend.name}: ${STREAMS} open streams, ${(perStream / 1024).toFixed(1)} KiB of server heap per stream`,
      );
      expect(perStream).toBeLessThan(HEAP_PER_STREAM_BOUND);

      // Every one of them is live: Alice's post reaches her user streams and the public ones alike.
      const received = from(clients, 'received');
      await post(h, alice, 'to all of you');
      await h.drain();
      expect(await received).toBe(STREAMS);
      clients.postMessage({ close: true });
      await subscriptions(h, 0);
    });
  });
}
