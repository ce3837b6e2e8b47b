import type { FeedEvent, PublicEvent, TimelineFeed } from '../../ports/timeline-feed.js';
import type { PublicHub } from './public-hub.js';
import { type StreamSpec, streamKey, streamLabel } from './stream-names.js';

/** Where a connection's frames go: a WebSocket or an event stream. */
export interface StreamSink {
  send(stream: readonly string[], event: string, payload: string): void;
  /** Bytes sent but not yet taken by the client. */
  buffered(): number;
  /** Ends the connection: the client reads more slowly than its streams are written. */
  fellBehind(): void;
}

/** How an event becomes a frame's payload: a JSON entity as a string, or for `delete` the bare id. */
export interface StreamRendering {
  /** An event of the reader's own streams, rendered for them (their likes and boosts); null to send nothing. */
  forReader(event: FeedEvent, readerId: bigint): Promise<string | null>;
  /** A public event, rendered once for every stream of this process that shows it. */
  forPublic(event: PublicEvent): Promise<string | null>;
}

export interface LiveStreamLimits {
  /** Past this many bytes waiting for the client, it is dropped rather than buffered further. */
  maxBufferedBytes: number;
  /** Past this many events waiting to be rendered and sent, likewise. */
  maxPendingEvents: number;
  /** Streams one connection may be subscribed to at once. */
  maxSubscriptions: number;
}

/** Told of what the connections of a process do, for metrics and for tests that wait on them. */
export interface LiveStreamObserver {
  /** A subscription now delivers events (`1`), or no longer does (`-1`). */
  subscriptions(change: 1 | -1): void;
  /** A client was dropped for falling behind. */
  dropped(): void;
}

export interface LiveStreamDeps {
  feed: TimelineFeed;
  hub: PublicHub;
  rendering: StreamRendering;
  limits: LiveStreamLimits;
  observer: LiveStreamObserver;
}

/** A notification event: the only kind the notification stream carries (the user stream carries them too). */
const isNotification = (event: FeedEvent): boolean => event.kind === 'notification';

/**
 * One connection's subscriptions and the frames they send, in the order their events arrived. Events are rendered
 * as they arrive, all at once, and sent in order; a client that cannot keep up (too many bytes unread, or too many
 * events waiting) is dropped, never buffered without bound.
 */
export class LiveStream {
  private readonly subscriptions = new Map<string, Promise<() => void>>();
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private closed = false;

  constructor(
    private readonly deps: LiveStreamDeps,
    /** The account streaming, or null for an anonymous stream of public timelines. */
    private readonly readerId: bigint | null,
    private readonly sink: StreamSink,
  ) {}

  /** Streams subscribed to now. */
  get size(): number {
    return this.subscriptions.size;
  }

  /**
   * Subscribes to `spec` (again is nothing); resolves once its events are delivered. Over the connection's limit it
   * answers false and subscribes to nothing.
   */
  async subscribe(spec: StreamSpec): Promise<boolean> {
    const key = streamKey(spec);
    if (this.closed) return true;
    if (this.subscriptions.has(key)) return true;
    if (this.subscriptions.size >= this.deps.limits.maxSubscriptions) return false;
    const label = streamLabel(spec);
    const { observer } = this.deps;
    const subscribing = this.listen(spec, label).then((stop) => {
      observer.subscriptions(1);
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        stop();
        observer.subscriptions(-1);
      };
    });
    this.subscriptions.set(key, subscribing);
    try {
      const stop = await subscribing;
      if (this.closed || this.subscriptions.get(key) !== subscribing) stop();
    } catch (error) {
      if (this.subscriptions.get(key) === subscribing) this.subscriptions.delete(key);
      throw error;
    }
    return true;
  }

  unsubscribe(spec: StreamSpec): void {
    const key = streamKey(spec);
    const subscription = this.subscriptions.get(key);
    this.subscriptions.delete(key);
    subscription?.then(
      (stop) => stop(),
      () => undefined,
    );
  }

  /** Stops every subscription; nothing is sent after this. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions.values())
      subscription.then(
        (stop) => stop(),
        () => undefined,
      );
    this.subscriptions.clear();
  }

  private listen(spec: StreamSpec, label: readonly string[]): Promise<() => void> {
    const { feed, hub, rendering } = this.deps;
    const reader = this.readerId;
    switch (spec.name) {
      case 'user':
      case 'user:notification': {
        if (reader === null) return Promise.resolve(() => undefined);
        const notificationsOnly = spec.name === 'user:notification';
        return feed.subscribe(reader, (event) => {
          if (notificationsOnly && !isNotification(event)) return;
          this.enqueue(label, event.kind, rendering.forReader(event, reader));
        });
      }
      case 'direct':
        return Promise.resolve(() => undefined);
      default:
        return hub.add(spec, (event) => this.enqueue(label, event.kind, rendering.forPublic(event)));
    }
  }

  private enqueue(label: readonly string[], event: string, payload: Promise<string | null>) {
    if (this.closed) return;
    if (++this.pending > this.deps.limits.maxPendingEvents) return this.fallBehind();
    // The rendering has started already; only the sending waits its turn.
    payload.catch(() => null);
    this.tail = this.tail.then(async () => {
      const text = await payload.catch(() => null);
      this.pending--;
      if (text === null || this.closed) return;
      this.sink.send(label, event, text);
      if (this.sink.buffered() > this.deps.limits.maxBufferedBytes) this.fallBehind();
    });
  }

  private fallBehind() {
    if (this.closed) return;
    this.close();
    this.deps.observer.dropped();
    this.sink.fellBehind();
  }
}
