import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent, EventStream } from '../../src/domain/events.js';
import type { EventLog, LogMessage } from '../../src/ports/event-log.js';

/** The delivery settings every implementation is built with for this suite. */
export const CONTRACT_LOG_SETTINGS = {
  maxDeliver: 3,
  backoffMs: [100],
  ackWaitMs: 2_000,
  duplicateWindowMs: 60_000,
} as const;

export interface LogFixture {
  log: EventLog;
  /** Puts bytes on the log as if a broken producer had sent them. */
  publishRaw(id: string, stream: EventStream, payload: string): Promise<void>;
  /** Lets `ms` of the log's time pass; implementations on real time let the fetch wait instead. */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

const WAIT_MS = 5_000;
let nextId = 1;
const tweet = (tweetId: bigint, authorId = 1n): DomainEvent => ({ type: 'tweet.created', tweetId, authorId });

/** One suite, run against every EventLog: the in-process one and NATS JetStream. */
export function eventLogContract(name: string, open: () => Promise<LogFixture>) {
  describe(`EventLog contract: ${name}`, () => {
    let fx: LogFixture;
    let log: EventLog;
    const id = () => String(nextId++);

    beforeEach(async () => {
      fx = await open();
      log = fx.log;
    });
    afterEach(() => fx.close());

    /** Fetches until `count` messages came or a fetch returned none. */
    async function fetchAll(stream: EventStream, count: number): Promise<LogMessage[]> {
      const out: LogMessage[] = [];
      while (out.length < count) {
        const batch = await log.fetch(stream, count - out.length, WAIT_MS);
        if (batch.length === 0) break;
        out.push(...batch);
      }
      return out;
    }

    it('delivers a published event once it is acknowledged, and counts it pending until then', async () => {
      const event = tweet(10n);
      await log.publish([{ id: id(), stream: 'fanout', event }]);
      expect(await log.pending('fanout')).toBe(1);
      const [message] = await fetchAll('fanout', 1);
      expect(message?.event).toEqual(event);
      expect(message?.deliveries).toBe(1);
      await message?.ack();
      expect(await log.pending('fanout')).toBe(0);
      expect(await log.fetch('fanout', 10, 0)).toEqual([]);
    });

    it('deduplicates by message id', async () => {
      const same = id();
      await log.publish([{ id: same, stream: 'fanout', event: tweet(1n) }]);
      await log.publish([
        { id: same, stream: 'fanout', event: tweet(1n) },
        { id: id(), stream: 'fanout', event: tweet(2n) },
      ]);
      const messages = await fetchAll('fanout', 2);
      expect(messages.map((m) => m.event)).toEqual([tweet(1n), tweet(2n)]);
      for (const m of messages) await m.ack();
      expect(await log.fetch('fanout', 10, 200)).toEqual([]);
    });

    it('keeps the streams apart', async () => {
      await log.publish([
        { id: id(), stream: 'celebrity', event: tweet(1n, 9n) },
        { id: id(), stream: 'fanout', event: tweet(2n) },
      ]);
      const ordinary = await fetchAll('fanout', 1);
      expect(ordinary.map((m) => m.event)).toEqual([tweet(2n)]);
      expect(await log.fetch('fanout', 10, 200)).toEqual([]);
      const celebrity = await fetchAll('celebrity', 1);
      expect(celebrity.map((m) => m.event)).toEqual([tweet(1n, 9n)]);
      for (const m of [...ordinary, ...celebrity]) await m.ack();
      expect(await log.pending('fanout')).toBe(0);
      expect(await log.pending('celebrity')).toBe(0);
    });

    it("keeps one author's events in order", async () => {
      const events = Array.from({ length: 30 }, (_, i) => tweet(BigInt(i + 1), 5n));
      await log.publish(events.map((event) => ({ id: id(), stream: 'fanout' as const, event })));
      const messages = await fetchAll('fanout', 30);
      expect(messages.map((m) => m.event)).toEqual(events);
      for (const m of messages) await m.ack();
    });

    it('never hands one message to two consumers at once', async () => {
      const events = Array.from({ length: 20 }, (_, i) => tweet(BigInt(i + 1), BigInt(i % 4)));
      await log.publish(events.map((event) => ({ id: id(), stream: 'fanout' as const, event })));
      const [a, b] = await Promise.all([log.fetch('fanout', 10, WAIT_MS), log.fetch('fanout', 10, WAIT_MS)]);
      const rest = await fetchAll('fanout', 20 - (a?.length ?? 0) - (b?.length ?? 0));
      const seen = [...(a ?? []), ...(b ?? []), ...rest].map((m) => m.id);
      expect(new Set(seen).size).toBe(20);
      expect(seen).toHaveLength(20);
      for (const m of [...(a ?? []), ...(b ?? []), ...rest]) await m.ack();
    });

    it('redelivers after a retry, with the delivery count', async () => {
      await log.publish([{ id: id(), stream: 'fanout', event: tweet(3n) }]);
      const [first] = await fetchAll('fanout', 1);
      expect(await first?.retry()).toBe('retrying');
      await fx.elapse(CONTRACT_LOG_SETTINGS.backoffMs[0]);
      const [second] = await fetchAll('fanout', 1);
      expect(second?.event).toEqual(tweet(3n));
      expect(second?.deliveries).toBe(2);
      await second?.ack();
      expect(await log.pending('fanout')).toBe(0);
    });

    it('redelivers a message nobody acknowledged in time', async () => {
      await log.publish([{ id: id(), stream: 'fanout', event: tweet(4n) }]);
      const [first] = await fetchAll('fanout', 1);
      expect(first?.deliveries).toBe(1);
      await fx.elapse(CONTRACT_LOG_SETTINGS.ackWaitMs);
      const [second] = await fetchAll('fanout', 1);
      expect(second?.event).toEqual(tweet(4n));
      expect(second?.deliveries).toBe(2);
      await second?.ack();
    });

    it('keeps a message from other consumers while its worker says it is still working on it', async () => {
      await log.publish([{ id: id(), stream: 'fanout', event: tweet(8n) }]);
      const [first] = await fetchAll('fanout', 1);
      // Three waits of half an ack wait or more, each after a heartbeat: together longer than the ack wait.
      for (let beat = 0; beat < 3; beat++) {
        first?.working();
        await fx.elapse(CONTRACT_LOG_SETTINGS.ackWaitMs * 0.75);
        expect(await log.fetch('fanout', 10, CONTRACT_LOG_SETTINGS.ackWaitMs / 2)).toEqual([]);
      }
      // Once the heartbeats stop, the next ack wait hands it to whoever asks.
      await fx.elapse(CONTRACT_LOG_SETTINGS.ackWaitMs);
      const [second] = await fetchAll('fanout', 1);
      expect(second?.event).toEqual(tweet(8n));
      expect(second?.deliveries).toBe(2);
      await second?.ack();
    });

    it('dead-letters a message at the delivery limit, and the rest keep flowing', async () => {
      const dead = await log.deadLettered();
      await log.publish([
        { id: id(), stream: 'fanout', event: tweet(5n) },
        { id: id(), stream: 'fanout', event: tweet(6n, 2n) },
      ]);
      let outcome: string | undefined;
      let healthy: LogMessage | undefined;
      for (let delivery = 1; delivery <= CONTRACT_LOG_SETTINGS.maxDeliver; delivery++) {
        const batch = await fetchAll('fanout', healthy ? 1 : 2);
        for (const message of batch) {
          if (message.event.type === 'tweet.created' && message.event.tweetId === 6n) {
            healthy = message;
            await message.ack();
            continue;
          }
          expect(message.deliveries).toBe(delivery);
          outcome = await message.retry();
        }
        if (outcome !== 'dead-lettered') await fx.elapse(CONTRACT_LOG_SETTINGS.backoffMs[0]);
      }
      expect(outcome).toBe('dead-lettered');
      expect(healthy).toBeDefined();
      expect(await log.deadLettered()).toBe(dead + 1);
      expect(await log.pending('fanout')).toBe(0);
      expect(await log.fetch('fanout', 10, 200)).toEqual([]);
    });

    it('dead-letters what cannot be decoded instead of blocking the stream', async () => {
      const dead = await log.deadLettered();
      await fx.publishRaw(id(), 'fanout', '{"type":"tweet.created","tweetId":12}');
      await log.publish([{ id: id(), stream: 'fanout', event: tweet(7n) }]);
      const messages = await fetchAll('fanout', 1);
      expect(messages.map((m) => m.event)).toEqual([tweet(7n)]);
      await messages[0]?.ack();
      expect(await log.deadLettered()).toBe(dead + 1);
      expect(await log.pending('fanout')).toBe(0);
    });

    it('returns nothing after waiting when the stream is empty', async () => {
      expect(await log.fetch('celebrity', 5, 50)).toEqual([]);
    });
  });
}
