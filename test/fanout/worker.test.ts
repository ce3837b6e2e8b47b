import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import type { EventLog, LogMessage } from '../../src/ports/event-log.js';
import type { Outbox } from '../../src/ports/outbox.js';
import type { CounterService } from '../../src/services/counters.js';
import type { FanoutService } from '../../src/services/fanout.js';
import { createFanoutWorker } from '../../src/workers/fanout-worker.js';

const created = (tweetId: bigint, authorId: bigint): DomainEvent => ({
  type: 'tweet.created',
  tweetId,
  authorId,
});

/** A fanout whose every apply waits until released, recording when each event started and finished. */
function gatedFanout() {
  const timeline: string[] = [];
  const gates = new Map<bigint, () => void>();
  const started = new Map<bigint, Promise<void>>();
  const starters = new Map<bigint, () => void>();
  const startedOf = (id: bigint) => {
    if (!started.has(id)) started.set(id, new Promise<void>((resolve) => starters.set(id, resolve)));
    return started.get(id) as Promise<void>;
  };
  const fanout = {
    async apply(event: DomainEvent) {
      const id = (event as { tweetId: bigint }).tweetId;
      timeline.push(`start ${id}`);
      startedOf(id);
      starters.get(id)?.();
      await new Promise<void>((resolve) => gates.set(id, resolve));
      timeline.push(`end ${id}`);
      return { deliveries: 1 };
    },
  } as unknown as FanoutService;
  return { fanout, timeline, started: startedOf, release: (id: bigint) => gates.get(id)?.() };
}

function oneBatchLog(events: DomainEvent[]) {
  const acked: string[] = [];
  const messages: LogMessage[] = events.map((event, i) => ({
    id: String(i + 1),
    event,
    deliveries: 1,
    ack: async () => void acked.push(String(i + 1)),
    working: () => undefined,
    retry: async () => 'retrying' as const,
  }));
  let fetched = false;
  const log = {
    ackWaitMs: 3_000,
    async fetch() {
      if (fetched) return [];
      fetched = true;
      return messages;
    },
  } as unknown as EventLog;
  return { log, acked };
}

describe('fanout worker', () => {
  it("applies different partitions of a batch at once and each partition's events in log order", async () => {
    // Author 1 posts tweets 10 and 11; author 2 posts tweet 20.
    const { log, acked } = oneBatchLog([created(10n, 1n), created(20n, 2n), created(11n, 1n)]);
    const gated = gatedFanout();
    const counted: bigint[][] = [];
    const completed: bigint[][] = [];
    const worker = createFanoutWorker({
      log,
      outbox: { complete: async (ids: bigint[]) => void completed.push(ids) } as unknown as Outbox,
      counters: {
        apply: async (batch: { id: bigint }[]) => void counted.push(batch.map((b) => b.id)),
      } as unknown as CounterService,
      fanout: gated.fanout,
      stream: 'fanout',
      batchSize: 10,
    });
    const running = worker.runOnce();
    // Both authors' first tweets are in flight together; author 1's second waits for its first.
    await Promise.all([gated.started(10n), gated.started(20n)]);
    expect(gated.timeline).toEqual(['start 10', 'start 20']);
    gated.release(20n);
    gated.release(10n);
    await gated.started(11n);
    gated.release(11n);
    expect(await running).toBe(3);
    expect(gated.timeline.indexOf('start 11')).toBeGreaterThan(gated.timeline.indexOf('end 10'));
    // Counted and forgotten once, as a batch, before any acknowledgement.
    expect(counted.map((ids) => [...ids].sort())).toEqual([[1n, 2n, 3n]]);
    expect(completed.map((ids) => [...ids].sort())).toEqual([[1n, 2n, 3n]]);
    expect(acked.sort()).toEqual(['1', '2', '3']);
  });
});
