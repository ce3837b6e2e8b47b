import { type DomainEvent, decodeEvent, type EventStream, encodeEvent } from '../../domain/events.js';
import type { Clock } from '../../ports/clock.js';
import type { EventLog, LogMessage, LogSettings, PublishedEvent } from '../../ports/event-log.js';

export const DEFAULT_LOG_SETTINGS: LogSettings = {
  maxDeliver: 5,
  backoffMs: [1_000, 5_000, 30_000, 120_000],
  ackWaitMs: 3_000,
  duplicateWindowMs: 10 * 60_000,
};

interface Stored {
  id: string;
  payload: string;
  deliveries: number;
  /** Not deliverable before this time (backoff, or an outstanding delivery's ack deadline). */
  availableAt: number;
}

/**
 * The embedded log: JetStream's consumer semantics (shared work queue per stream, explicit ack, ack deadline,
 * bounded redelivery with backoff, dead letters, dedup by message id) inside this process. It does not survive a
 * restart, which is why the outbox keeps every event until its fanout is acknowledged.
 */
export class MemoryEventLog implements EventLog {
  readonly durable = false;
  private readonly queues: Record<EventStream, Map<string, Stored>> = {
    fanout: new Map(),
    celebrity: new Map(),
  };
  private readonly seen = new Map<string, number>();
  private readonly deadLetters: { id: string; payload: string; reason: string }[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly settings: LogSettings = DEFAULT_LOG_SETTINGS,
  ) {}

  get ackWaitMs(): number {
    return this.settings.ackWaitMs;
  }

  async publish(events: readonly PublishedEvent[]): Promise<void> {
    const now = this.clock.now();
    for (const [id, at] of this.seen) {
      if (at > now - this.settings.duplicateWindowMs) break;
      this.seen.delete(id);
    }
    for (const { id, stream, event } of events) {
      if (this.seen.has(id)) continue;
      this.seen.set(id, now);
      this.queues[stream].set(id, { id, payload: encodeEvent(event), deliveries: 0, availableAt: now });
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Publishes a raw payload as it arrived on the wire (used to prove that undecodable messages are dead-lettered). */
  async publishRaw(id: string, stream: EventStream, payload: string): Promise<void> {
    this.queues[stream].set(id, { id, payload, deliveries: 0, availableAt: this.clock.now() });
  }

  async fetch(stream: EventStream, max: number, waitMs: number): Promise<LogMessage[]> {
    let batch = this.take(stream, max);
    if (batch.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      batch = this.take(stream, max);
    }
    return batch;
  }

  private take(stream: EventStream, max: number): LogMessage[] {
    const now = this.clock.now();
    const queue = this.queues[stream];
    const out: LogMessage[] = [];
    for (const stored of queue.values()) {
      if (out.length >= max) break;
      if (stored.availableAt > now) continue;
      let event: DomainEvent;
      try {
        event = decodeEvent(stored.payload);
      } catch (error) {
        queue.delete(stored.id);
        this.deadLetters.push({ id: stored.id, payload: stored.payload, reason: String(error) });
        continue;
      }
      stored.deliveries += 1;
      stored.availableAt = now + this.settings.ackWaitMs;
      out.push(this.message(queue, stored, event));
    }
    return out;
  }

  private message(queue: Map<string, Stored>, stored: Stored, event: DomainEvent): LogMessage {
    const deliveries = stored.deliveries;
    const current = () => queue.get(stored.id) === stored && stored.deliveries === deliveries;
    return {
      id: stored.id,
      event,
      deliveries,
      ack: async () => {
        if (current()) queue.delete(stored.id);
      },
      working: () => {
        if (current()) stored.availableAt = this.clock.now() + this.settings.ackWaitMs;
      },
      retry: async () => {
        if (!current()) return 'retrying';
        if (deliveries >= this.settings.maxDeliver) {
          queue.delete(stored.id);
          this.deadLetters.push({ id: stored.id, payload: stored.payload, reason: 'delivery limit reached' });
          return 'dead-lettered';
        }
        const backoff = this.settings.backoffMs;
        stored.availableAt = this.clock.now() + (backoff[Math.min(deliveries - 1, backoff.length - 1)] ?? 0);
        return 'retrying';
      },
    };
  }

  async pending(stream: EventStream): Promise<number> {
    return this.queues[stream].size;
  }

  async deadLettered(): Promise<number> {
    return this.deadLetters.length;
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
    this.waiters = [];
  }
}
