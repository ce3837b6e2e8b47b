import type { EventStream } from '../domain/events.js';
import type { EventLog, LogMessage } from '../ports/event-log.js';
import type { Outbox } from '../ports/outbox.js';
import type { CounterService } from '../services/counters.js';
import type { FanoutResult, FanoutService } from '../services/fanout.js';

export interface FanoutWorkerDeps {
  log: EventLog;
  outbox: Outbox;
  fanout: FanoutService;
  counters: CounterService;
  stream: EventStream;
  batchSize: number;
  /** Told after each event is applied (metrics: lag and deliveries), or when applying it failed. */
  observe?: (message: LogMessage, outcome: FanoutResult | { error: unknown }) => void;
}

/**
 * A consumer of one stream of the log. Events of a batch are applied in order (the log keeps each author's order) by
 * fanout, which is idempotent (it re-reads the truth); then the batch's counters are applied at once, exactly once
 * (they commit with forgetting the events' outbox rows). Each event is acknowledged only after both.
 */
export function createFanoutWorker({
  log,
  outbox,
  fanout,
  counters,
  stream,
  batchSize,
  observe,
}: FanoutWorkerDeps) {
  return {
    stream,
    /** Applies one batch, waiting at most `waitMs` for it to arrive; returns how many events it handled. */
    async runOnce(waitMs = 0): Promise<number> {
      const messages = await log.fetch(stream, batchSize, waitMs);
      const applied: LogMessage[] = [];
      const finished: bigint[] = [];
      for (const message of messages) {
        try {
          const result = await fanout.apply(message.event, stream);
          applied.push(message);
          finished.push(BigInt(message.id));
          observe?.(message, result);
        } catch (error) {
          observe?.(message, { error });
          // A dead-lettered event is kept by the log; the outbox need not publish it again.
          if ((await message.retry()) === 'dead-lettered') finished.push(BigInt(message.id));
        }
      }
      // Counted once per batch, in the transaction that forgets the applied events' outbox rows. If it fails, nothing
      // is acknowledged: the log redelivers the batch, fanout changes nothing twice, and counting happens then.
      await counters.apply(applied.map((message) => ({ id: BigInt(message.id), event: message.event })));
      // The outbox forgets an event before the log does: a crash in between only means one harmless redelivery,
      // whereas the other order could leave an outbox row whose republish the log drops as a duplicate.
      await outbox.complete(finished);
      for (const message of applied) await message.ack();
      return messages.length;
    },
  };
}

export type FanoutWorker = ReturnType<typeof createFanoutWorker>;
