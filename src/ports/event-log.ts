import type { DomainEvent, EventStream } from '../domain/events.js';

export interface PublishedEvent {
  /** The outbox id: publishing the same id twice delivers it once. */
  id: string;
  stream: EventStream;
  event: DomainEvent;
}

export interface LogMessage {
  readonly id: string;
  readonly event: DomainEvent;
  /** 1 on first delivery. */
  readonly deliveries: number;
  /** Done: never deliver again. */
  ack(): Promise<void>;
  /**
   * Still being applied: restarts the ack deadline, so a live worker keeps a long batch while a dead one's is
   * delivered to another worker after one ack wait.
   */
  working(): void;
  /** Failed: deliver again after a backoff, or dead-letter once the delivery limit is reached (and say which). */
  retry(): Promise<'retrying' | 'dead-lettered'>;
}

/**
 * The durable log between posting and fanout: at-least-once delivery to consumers that share each stream, explicit
 * acknowledgement, bounded redelivery, and a dead-letter place for events that keep failing (or cannot be decoded)
 * so that the rest keep flowing.
 */
export interface EventLog {
  /** Whether published events survive a restart of this process. */
  readonly durable: boolean;
  /** How long a delivery may go unacknowledged (and without {@link LogMessage.working}) before it is redelivered. */
  readonly ackWaitMs: number;
  publish(events: readonly PublishedEvent[]): Promise<void>;
  /** Up to `max` messages of `stream`; waits at most `waitMs` for the first one, and returns [] if none came. */
  fetch(stream: EventStream, max: number, waitMs: number): Promise<LogMessage[]>;
  /** Messages of `stream` published and not yet acknowledged (the consumer lag). */
  pending(stream: EventStream): Promise<number>;
  /** Messages moved to the dead-letter place since this log was created. */
  deadLettered(): Promise<number>;
  close(): Promise<void>;
}

/** How every log delivers: the same settings in memory and on JetStream. */
export interface LogSettings {
  /** Deliveries before a message is dead-lettered. */
  maxDeliver: number;
  /** Wait before redelivery, by delivery number (the last value repeats). */
  backoffMs: readonly number[];
  /** An unacknowledged delivery is redelivered after this long. */
  ackWaitMs: number;
  /** How long a published id is remembered for deduplication. */
  duplicateWindowMs: number;
}
