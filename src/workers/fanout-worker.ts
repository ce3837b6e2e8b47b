import pMap from 'p-map';
import { type EventStream, partitionKey } from '../domain/events.js';
import type { EventLog, LogMessage } from '../ports/event-log.js';
import type { Outbox } from '../ports/outbox.js';
import type { CounterService } from '../services/counters.js';
import type { FanoutResult, FanoutService } from '../services/fanout.js';
import type { NotificationService } from '../services/notifications.js';

export interface FanoutWorkerDeps {
  log: EventLog;
  outbox: Outbox;
  fanout: FanoutService;
  counters: CounterService;
  /** Notifications from the batch's events, written once per cause; none when absent. */
  notifications?: Pick<NotificationService, 'apply'> | undefined;
  stream: EventStream;
  batchSize: number;
  /** Partitions of a batch applied at once (each partition's events still one after another); default 16. */
  concurrency?: number;
  /** Told after each event is applied (metrics: lag and deliveries), or when applying it failed. */
  observe?: (message: LogMessage, outcome: FanoutResult | { error: unknown }) => void;
}

const MIN_HEARTBEAT_MS = 100;

/**
 * A consumer of one stream of the log. A batch's events are grouped by partition (an author, a follower, a tweet):
 * each group is applied in log order, and different groups at once — fanout waits mostly on round trips, and events
 * of different partitions never depended on each other's order. Fanout is idempotent (it re-reads the truth); then
 * the batch's counters are applied at once, exactly once (they commit with forgetting the events' outbox rows). Each
 * event is acknowledged only after both.
 */
export function createFanoutWorker({
  log,
  outbox,
  fanout,
  counters,
  notifications,
  stream,
  batchSize,
  concurrency = 16,
  observe,
}: FanoutWorkerDeps) {
  return {
    stream,
    /** Applies one batch, waiting at most `waitMs` for it to arrive; returns how many events it handled. */
    async runOnce(waitMs = 0): Promise<number> {
      const messages = await log.fetch(stream, batchSize, waitMs);
      if (messages.length === 0) return 0;
      // While this process works on the batch it says so, three times per ack wait: a live worker keeps a long batch,
      // and a dead or stopped one's is handed to another worker after one ack wait.
      const unsettled = new Set(messages);
      const heartbeat = setInterval(
        () => {
          for (const message of unsettled) message.working();
        },
        Math.max(MIN_HEARTBEAT_MS, log.ackWaitMs / 3),
      );
      heartbeat.unref();
      try {
        return await applyBatch(messages, unsettled);
      } finally {
        clearInterval(heartbeat);
      }
    },
  };

  /** Applies a batch; a message handed back to the log (for a retry) leaves `unsettled`. */
  async function applyBatch(messages: LogMessage[], unsettled: Set<LogMessage>): Promise<number> {
    const applied: LogMessage[] = [];
    const finished: bigint[] = [];
    const partitions = new Map<bigint, LogMessage[]>();
    for (const message of messages) {
      const key = partitionKey(message.event);
      partitions.set(key, [...(partitions.get(key) ?? []), message]);
    }
    await pMap(
      partitions.values(),
      async (inOrder) => {
        for (const message of inOrder) {
          try {
            const result = await fanout.apply(message.event, stream);
            applied.push(message);
            finished.push(BigInt(message.id));
            observe?.(message, result);
          } catch (error) {
            observe?.(message, { error });
            unsettled.delete(message);
            // A dead-lettered event is kept by the log; the outbox need not publish it again.
            if ((await message.retry()) === 'dead-lettered') finished.push(BigInt(message.id));
          }
        }
      },
      { concurrency },
    );
    // Notifications settle against the rows that caused them (see NotificationStore), so a redelivery writes none
    // again; if this fails, nothing is acknowledged and the batch comes back.
    await notifications?.apply(applied.map((message) => message.event));
    // Counted once per batch, in the transaction that forgets the applied events' outbox rows. If it fails, nothing
    // is acknowledged: the log redelivers the batch, fanout changes nothing twice, and counting happens then.
    await counters.apply(applied.map((message) => ({ id: BigInt(message.id), event: message.event })));
    // The outbox forgets an event before the log does: a crash in between only means one harmless redelivery,
    // whereas the other order could leave an outbox row whose republish the log drops as a duplicate.
    await outbox.complete(finished);
    for (const message of applied) await message.ack();
    return messages.length;
  }
}

export type FanoutWorker = ReturnType<typeof createFanoutWorker>;
