import {
  type FeedListener,
  feedEventId,
  feedEventOf,
  type TimelineFeed,
  type TimelineUpdate,
} from '../../ports/timeline-feed.js';

/**
 * The embedded feed: fanout and the streaming API share this process, so an event goes straight from the fanout
 * worker to the listeners of the readers it touched. A reader with no listener costs one map lookup.
 */
export class MemoryTimelineFeed implements TimelineFeed {
  private readonly listeners = new Map<bigint, Set<FeedListener>>();

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

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** One listener's failure must not keep the event from the others, nor fail the fanout that published it. */
function deliver(listener: FeedListener, event: Parameters<FeedListener>[0]) {
  try {
    listener(event);
  } catch {
    // The streaming route's listener only writes to a socket; a broken socket is cleaned up by its close handler.
  }
}
