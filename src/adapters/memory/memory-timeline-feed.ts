import {
  type FeedListener,
  feedEventId,
  feedEventOf,
  type PublicEvent,
  type PublicListener,
  type TimelineFeed,
  type TimelineUpdate,
} from '../../ports/timeline-feed.js';

/**
 * The embedded feed: fanout and the streaming API share this process, so an event goes straight from the fanout
 * worker to the listeners of the readers it touched. A reader with no listener costs one map lookup.
 */
export class MemoryTimelineFeed implements TimelineFeed {
  private readonly listeners = new Map<bigint, Set<FeedListener>>();
  private readonly publicListeners = new Set<PublicListener>();

  async publish(updates: readonly TimelineUpdate[]): Promise<void> {
    for (const update of updates) {
      const event = feedEventOf(update.kind, feedEventId(update));
      const { readerIds } = update;
      for (const readerId of readerIds) {
        const listeners = this.listeners.get(readerId);
        if (!listeners) continue;
        // A copy, so a listener that unsubscribes while being told does not upset the loop.
        for (const listener of [...listeners]) deliver(listener, event);
      }
    }
  }

  async subscribe(userId: bigint, listener: FeedListener): Promise<() => void> {
    let listeners = this.listeners.get(userId);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(userId, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.listeners.get(userId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(userId);
    };
  }

  async publishPublic(events: readonly PublicEvent[]): Promise<void> {
    for (const event of events) {
      // One object for every listener: a stream that renders it can share the rendering with the others.
      const told: PublicEvent = {
        kind: event.kind,
        tweetId: event.tweetId,
        tags: event.tags,
        media: event.media,
      };
      for (const listener of [...this.publicListeners]) deliver(listener, told);
    }
  }

  async subscribePublic(listener: PublicListener): Promise<() => void> {
    // Wrapped, so one listener subscribed twice is told twice and unsubscribes each time once.
    const entry: PublicListener = (event) => listener(event);
    this.publicListeners.add(entry);
    return () => void this.publicListeners.delete(entry);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.publicListeners.clear();
  }
}

/** One listener's failure must not keep the event from the others, nor fail the fanout that published it. */
function deliver<E>(listener: (event: E) => void, event: E) {
  try {
    listener(event);
  } catch {
    // The streaming route's listener only writes to a socket; a broken socket is cleaned up by its close handler.
  }
}
