import type { EventLog } from '../ports/event-log.js';
import type { Outbox } from '../ports/outbox.js';

export interface RelaySettings {
  batchSize: number;
  /** Published events not acknowledged after this long are published again (the log dedups by id). */
  republishAfterMs: number;
}

/** Moves committed events from the outbox to the log. Several relays may run: rows are claimed with SKIP LOCKED. */
export function createOutboxRelay(deps: { outbox: Outbox; log: EventLog; settings: RelaySettings }) {
  const { outbox, log, settings } = deps;
  return {
    /** Publishes one batch; returns how many events it moved. */
    runOnce(): Promise<number> {
      return outbox.relay(settings.batchSize, settings.republishAfterMs, (records) =>
        log.publish(records.map((r) => ({ id: r.id.toString(), stream: r.stream, event: r.event }))),
      );
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
