import type { TimelineEntry } from '../domain/model.js';
import type { TimelineCache } from './timeline-cache.js';

/**
 * What a connected reader is told: an entry arrived in (`update`) or left (`delete`) their home timeline, or a post
 * they may have there was edited (`status.update`: show it again as it is now); or they have a new notification.
 */
export type FeedEvent =
  | { kind: TimelineEventKind; tweetId: bigint }
  | { kind: 'notification'; notificationId: bigint };

export type TimelineEventKind = 'update' | 'delete' | 'status.update';
export type FeedEventKind = FeedEvent['kind'];
export const FEED_EVENT_KINDS: ReadonlySet<string> = new Set<FeedEventKind>([
  'update',
  'delete',
  'status.update',
  'notification',
]);

/** The id an event is about: the post's, or the notification's. */
export const feedEventId = (event: FeedEvent): bigint =>
  event.kind === 'notification' ? event.notificationId : event.tweetId;

/** The event with its id, as it travels between processes. */
export function feedEventOf(kind: FeedEventKind, id: bigint): FeedEvent {
  return kind === 'notification' ? { kind, notificationId: id } : { kind, tweetId: id };
}

/** One event for the readers it is for: those whose cached timelines it touched, or a notification's recipient. */
export type TimelineUpdate = FeedEvent & {
  readerIds: readonly bigint[];
};

export type FeedListener = (event: FeedEvent) => void;

/**
 * A change to the public timelines, told once for every process that streams them (never once per reader): a public
 * original post arrived (`update`), left (`delete`) or was edited (`status.update`). Its hashtags (normalised) and
 * whether it carries media let each stream keep what it shows: the public streams take every one, a hashtag stream
 * those with its tag, a media stream those with media.
 */
export interface PublicEvent {
  kind: TimelineEventKind;
  tweetId: bigint;
  tags: readonly string[];
  media: boolean;
}

export type PublicListener = (event: PublicEvent) => void;

/**
 * Live timeline changes for connected readers (the streaming API). Delivery is best effort and at most once: a
 * reader that was not subscribed, or whose connection dropped, catches up by polling its timeline with `since_id`.
 * Publishing for readers nobody is listening to is allowed and costs (almost) nothing.
 */
export interface TimelineFeed {
  /** Tells every subscribed reader among `readerIds` of its event; readers not connected are skipped. */
  publish(updates: readonly TimelineUpdate[]): Promise<void>;
  /** Resolves once events published from now on reach `listener`; the returned function stops them. */
  subscribe(userId: bigint, listener: FeedListener): Promise<() => void>;
  /** Tells every public listener, in every process, of `events`: one message each, whoever listens. */
  publishPublic(events: readonly PublicEvent[]): Promise<void>;
  /** Resolves once public events published from now on reach `listener`; the returned function stops them. */
  subscribePublic(listener: PublicListener): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * A timeline cache that tells `feed` of every entry it wrote into (or removed from) readers' timelines, after the
 * write succeeded. `insert` only reports a count, so the event goes to every reader it was offered to: the feed
 * drops those who are not connected, and a connected reader has read (and so has) a timeline. A failing feed never
 * fails the write: live updates are an extra, and polling covers what they miss.
 */
export function publishingTo(
  feed: TimelineFeed,
  cache: TimelineCache,
  onError: (error: unknown) => void = () => undefined,
): TimelineCache {
  const tell = (update: TimelineUpdate) => feed.publish([update]).catch(onError);
  return {
    read: (userId, window) => cache.read(userId, window),
    beginRebuild: (userId) => cache.beginRebuild(userId),
    completeRebuild: (userId, entries, floor, pulled) =>
      cache.completeRebuild(userId, entries, floor, pulled),
    activeAmong: (userIds) => cache.activeAmong(userIds),
    async insert(userIds: readonly bigint[], entry: TimelineEntry) {
      const received = await cache.insert(userIds, entry);
      if (received > 0) await tell({ kind: 'update', tweetId: entry.tweetId, readerIds: userIds });
      return received;
    },
    merge: (userId, entries, floor) => cache.merge(userId, entries, floor),
    async remove(userIds: readonly bigint[], tweetId: bigint) {
      await cache.remove(userIds, tweetId);
      if (userIds.length > 0) await tell({ kind: 'delete', tweetId, readerIds: userIds });
    },
    setPulled: (userIds, authorId, pulled) => cache.setPulled(userIds, authorId, pulled),
    unfollowed: (userId, authorId) => cache.unfollowed(userId, authorId),
    followed: (userId, authorId, pulled) => cache.followed(userId, authorId, pulled),
    forget: (userId) => cache.forget(userId),
    clear: () => cache.clear(),
    close: () => cache.close(),
  };
}
