import type { IdWindow } from '../domain/model.js';

/** Mastodon's notification types that Starling writes. */
export type NotificationType = 'mention' | 'favourite' | 'reblog' | 'follow';
export const NOTIFICATION_TYPES: readonly NotificationType[] = ['mention', 'favourite', 'reblog', 'follow'];

/** Something another account did to `accountId`: mentioned it, favourited or boosted its post, followed it. */
export interface Notification {
  id: bigint;
  accountId: bigint;
  type: NotificationType;
  fromAccountId: bigint;
  /** The post it is about: the mentioning post, or the favourited or boosted one; null for a follow. */
  statusId: bigint | null;
  createdAt: Date;
}

/**
 * What one event of the log does to notifications. A cause is settled against the row that caused it (the tweet, the
 * like, the follow): notifications are written once per row, while it exists. A removal takes away the notifications
 * whose cause no longer exists, so it is right in whatever order it meets the creations around it.
 */
export type NotificationChange =
  /** A post's mentions, and the boost of a post when it is one. */
  | { kind: 'tweet'; tweetId: bigint }
  | { kind: 'like'; accountId: bigint; tweetId: bigint }
  | { kind: 'follow'; followerId: bigint; followeeId: bigint }
  /** A deleted post (or an undone boost): whatever it caused, and whatever is about it. */
  | { kind: 'tweet.deleted'; tweetId: bigint }
  | { kind: 'unlike'; accountId: bigint; tweetId: bigint }
  | { kind: 'unfollow'; followerId: bigint; followeeId: bigint };

export interface NotificationFilter {
  /** Only these types (absent: any; empty: none). */
  types?: readonly NotificationType[] | undefined;
  excludeTypes?: readonly NotificationType[] | undefined;
  /** Only those from this account. */
  fromAccountId?: bigint | undefined;
}

/**
 * Notifications in the source of truth. Written only through {@link NotificationStore.apply}: exactly one per cause,
 * however often and in whatever order or concurrency the log delivers the events, never for acting on oneself, and
 * none that outlives its cause (an undone like, boost or follow, a deleted post).
 */
export interface NotificationStore {
  /** Applies a batch of changes in one transaction; answers the notifications it wrote (to tell live readers). */
  apply(changes: readonly NotificationChange[]): Promise<Notification[]>;
  /** An account's notifications in the window, newest first (from the window's chosen end). */
  list(accountId: bigint, filter: NotificationFilter, window: IdWindow): Promise<Notification[]>;
  /** One of the account's notifications, or null. */
  get(accountId: bigint, id: bigint): Promise<Notification | null>;
  /** Removes one; false when the account has no such notification. */
  dismiss(accountId: bigint, id: bigint): Promise<boolean>;
  /** Removes all of the account's notifications. */
  clear(accountId: bigint): Promise<void>;
  /** How many of the account's notifications (that pass the filter) are newer than `afterId` (all when null), counting at most `cap`. */
  countAfter(
    accountId: bigint,
    afterId: bigint | null,
    cap: number,
    filter?: NotificationFilter,
  ): Promise<number>;
}

/** The timelines a reading position is kept for. */
export type MarkerTimeline = 'home' | 'notifications';

/** Where an account stopped reading a timeline (Mastodon's marker). `version` moves with every save. */
export interface Marker {
  timeline: MarkerTimeline;
  lastReadId: bigint;
  version: number;
  updatedAt: Date;
}

/** Reading positions, shared by all of an account's devices. */
export interface MarkerStore {
  get(accountId: bigint, timelines: readonly MarkerTimeline[]): Promise<Marker[]>;
  /** Saves the positions given (each replacing the one before, its version one more) and answers them as saved. */
  save(
    accountId: bigint,
    positions: readonly { timeline: MarkerTimeline; lastReadId: bigint }[],
    at: Date,
  ): Promise<Marker[]>;
}
