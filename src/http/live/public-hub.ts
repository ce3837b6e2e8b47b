import type { PublicEvent, TimelineFeed } from '../../ports/timeline-feed.js';
import type { StreamSpec } from './stream-names.js';

/** Told of a public event that the stream it was registered for shows. */
export type PublicHandler = (event: PublicEvent) => void;

/**
 * This process's listeners of the public streams, behind one subscription to the feed: an event is matched to the
 * streams that show it (every public one, those with media, those of its hashtags) by lookups, never by asking every
 * open stream. Subscribed to the feed while any stream is open, and no longer once none is.
 */
export function createPublicHub(feed: TimelineFeed, onError: (error: unknown) => void = () => undefined) {
  const everything = new Set<PublicHandler>();
  const withMedia = new Set<PublicHandler>();
  const byTag = new Map<string, Set<PublicHandler>>();
  let size = 0;
  let subscription: Promise<() => void> | undefined;

  function dispatch(event: PublicEvent) {
    const told = new Set<PublicHandler>(everything);
    if (event.media) for (const handler of withMedia) told.add(handler);
    for (const tag of event.tags) for (const handler of byTag.get(tag) ?? []) told.add(handler);
    for (const handler of told) {
      try {
        handler(event);
      } catch (error) {
        onError(error);
      }
    }
  }

  /** Where a stream's handler goes; none for a stream that can carry nothing (remote, an impossible tag). */
  function setFor(spec: StreamSpec): Set<PublicHandler> | undefined {
    switch (spec.name) {
      case 'public':
      case 'public:local':
        return everything;
      case 'public:media':
      case 'public:local:media':
        return withMedia;
      case 'hashtag':
      case 'hashtag:local': {
        if (!spec.storedTag) return undefined;
        let set = byTag.get(spec.storedTag);
        if (!set) {
          set = new Set();
          byTag.set(spec.storedTag, set);
        }
        return set;
      }
      default:
        return undefined;
    }
  }

  function stopIfIdle() {
    if (size > 0 || !subscription) return;
    const stopping = subscription;
    subscription = undefined;
    stopping.then((stop) => stop(), onError);
  }

  return {
    /** Resolves once `handler` is told of the events `spec` shows; the returned function stops it. */
    async add(spec: StreamSpec, handler: PublicHandler): Promise<() => void> {
      const set = setFor(spec);
      if (!set) return () => undefined;
      // A wrapper of its own, so one handler added twice is told twice and removed once each time.
      const entry: PublicHandler = (event) => handler(event);
      set.add(entry);
      size++;
      subscription ??= feed.subscribePublic(dispatch);
      const current = subscription;
      let removed = false;
      const remove = () => {
        if (removed) return;
        removed = true;
        set.delete(entry);
        if (set.size === 0 && spec.storedTag && byTag.get(spec.storedTag) === set)
          byTag.delete(spec.storedTag);
        size--;
        stopIfIdle();
      };
      try {
        await current;
      } catch (error) {
        // The next stream tries the feed again.
        if (subscription === current) subscription = undefined;
        remove();
        throw error;
      }
      return remove;
    },
    /** Streams of public timelines open now. */
    size: () => size,
  };
}

export type PublicHub = ReturnType<typeof createPublicHub>;
