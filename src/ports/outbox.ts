import type { DomainEvent, EventStream } from '../domain/events.js';

/** An event to enqueue in the same transaction as the write that caused it. */
export interface OutboxEntry {
  stream: EventStream;
  event: DomainEvent;
}

/**
 * An event about an author's tweets: the store enqueues it on the stream the author's fanout mode routes it to,
 * decided in the statement that writes it.
 */
export type AuthorEvent = Extract<DomainEvent, { authorId: bigint }>;

export interface OutboxRecord extends OutboxEntry {
  id: bigint;
}

/**
 * The transactional outbox: events are written beside the rows that caused them, so a commit and its event stand or
 * fall together. The relay moves them to the log; they stay until fanout acknowledges them.
 */
export interface Outbox {
  /**
   * Locks up to `limit` events that are unpublished (or were published more than `republishAfterMs` ago and never
   * acknowledged), skipping rows another relay holds, and calls `publish` with them in id order. Marks them published
   * only if `publish` resolves; if it throws, nothing changes. Returns how many were published.
   */
  relay(
    limit: number,
    republishAfterMs: number,
    publish: (records: OutboxRecord[]) => Promise<void>,
  ): Promise<number>;
  /** Forgets events whose fanout finished. Unknown ids are ignored (redelivery makes them common). */
  complete(ids: readonly bigint[]): Promise<void>;
  /** Events not yet acknowledged by fanout (published or not): what a log outage piles up. */
  backlog(): Promise<number>;
  /** Marks every published but unacknowledged event for publishing again: for a log that did not survive a restart. */
  requeueUnacknowledged(): Promise<number>;
  /** Resolves when an event may have been committed since the last call, or after `timeoutMs`. */
  waitForWork(timeoutMs: number): Promise<void>;
}
