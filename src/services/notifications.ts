import { notFound } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { IdWindow } from '../domain/model.js';
import type { Clock } from '../ports/clock.js';
import type {
  Marker,
  MarkerStore,
  MarkerTimeline,
  Notification,
  NotificationChange,
  NotificationFilter,
  NotificationStore,
  NotificationType,
} from '../ports/notification-store.js';
import type { TimelineFeed } from '../ports/timeline-feed.js';
import type { Author } from './authors.js';
import { type HydrateDeps, hydrateTweets, type TweetView } from './hydrate.js';
import { type GroupPage, groupPage } from './notification-groups.js';
import { type Page, toPage } from './pages.js';

/** A notification with what it shows: who acted, and the post (for the viewer), when it is about one. */
export interface NotificationView {
  notification: Notification;
  account: Author;
  status: TweetView | null;
}

export interface NotificationDeps extends HydrateDeps {
  notifications: NotificationStore;
  markers: MarkerStore;
  clock: Clock;
  /** Told of every new notification, for the recipient's open streams. */
  feed?: TimelineFeed | undefined;
  onFeedError?: (error: unknown) => void;
}

/** What an event of the log does to notifications; events that notify nobody give nothing. */
export function notificationChangeOf(event: DomainEvent): NotificationChange | null {
  switch (event.type) {
    case 'tweet.created':
      return { kind: 'tweet', tweetId: event.tweetId };
    case 'tweet.deleted':
      return { kind: 'tweet.deleted', tweetId: event.tweetId };
    case 'tweet.liked':
      return { kind: 'like', accountId: event.accountId, tweetId: event.tweetId };
    case 'tweet.unliked':
      return { kind: 'unlike', accountId: event.accountId, tweetId: event.tweetId };
    case 'follow.created':
      return { kind: 'follow', followerId: event.followerId, followeeId: event.followeeId };
    case 'follow.deleted':
      return { kind: 'unfollow', followerId: event.followerId, followeeId: event.followeeId };
    case 'tweet.edited':
    case 'account.updated':
    case 'author.promoted':
    case 'author.demoted':
      return null;
  }
}

/** Mastodon counts unread notifications up to 100 by default, and never past 1,000. */
export const UNREAD_CAP = { fallback: 100, max: 1_000 };

export function createNotificationService(deps: NotificationDeps) {
  const { notifications: store, markers, clock, feed } = deps;

  /** Hydrates notifications for their recipient; those whose post or account is gone are left out. */
  async function present(viewerId: bigint, items: readonly Notification[]): Promise<NotificationView[]> {
    if (items.length === 0) return [];
    const statusIds = items.flatMap((n) => (n.statusId === null ? [] : [n.statusId]));
    const [accounts, statuses] = await Promise.all([
      deps.authors.byIds(items.map((n) => n.fromAccountId)),
      hydrateTweets(deps, statusIds, viewerId),
    ]);
    return items.flatMap((notification): NotificationView[] => {
      const account = accounts.get(notification.fromAccountId);
      if (!account) return [];
      if (notification.statusId === null) return [{ notification, account, status: null }];
      const status = statuses.get(notification.statusId);
      return status ? [{ notification, account, status }] : [];
    });
  }

  return {
    /**
     * Applies a batch of the log's events (the fanout worker's, after their fanout): exactly once per cause whatever
     * the redeliveries (see NotificationStore). Each new notification is then told to its recipient's open streams;
     * a feed that fails never fails the batch (clients catch up by polling).
     */
    async apply(events: readonly DomainEvent[]): Promise<number> {
      const changes = events.flatMap((event) => notificationChangeOf(event) ?? []);
      const written = await store.apply(changes);
      if (feed && written.length > 0) {
        await feed
          .publish(
            written.map((n) => ({ kind: 'notification', notificationId: n.id, readerIds: [n.accountId] })),
          )
          .catch((error: unknown) => deps.onFeedError?.(error));
      }
      return written.length;
    },

    /**
     * A page of the viewer's notifications, newest first. The page's links come from what was read, so one whose post
     * has just been deleted (its notification is on its way out) makes the page shorter, never skips one.
     */
    async page(
      viewerId: bigint,
      filter: NotificationFilter,
      window: IdWindow,
    ): Promise<Page<NotificationView>> {
      const fetched = await store.list(viewerId, filter, { ...window, limit: window.limit + 1 });
      const page = toPage(fetched, window, (n) => n.id);
      return { ...page, items: await present(viewerId, page.items) };
    },

    /**
     * A page of grouped notifications (Mastodon 4.3), with the accounts and posts they show; a group whose post is
     * no longer visible is left out (its notifications are on their way out).
     */
    async groups(
      viewerId: bigint,
      filter: NotificationFilter,
      window: IdWindow,
      grouped: readonly NotificationType[],
    ): Promise<{ page: GroupPage; accounts: Author[]; statuses: TweetView[] }> {
      const page = await groupPage(store, viewerId, filter, window, grouped);
      const statusIds = [...new Set(page.groups.flatMap((g) => (g.statusId === null ? [] : [g.statusId])))];
      const [accounts, statuses] = await Promise.all([
        deps.authors.byIds(page.groups.flatMap((g) => g.sampleAccountIds)),
        hydrateTweets(deps, statusIds, viewerId),
      ]);
      const groups = page.groups.filter((g) => g.statusId === null || statuses.has(g.statusId));
      return {
        page: { ...page, groups },
        accounts: [...new Set(groups.flatMap((g) => g.sampleAccountIds))].flatMap(
          (id) => accounts.get(id) ?? [],
        ),
        statuses: statusIds.flatMap((id) => statuses.get(id) ?? []),
      };
    },

    async get(viewerId: bigint, id: bigint): Promise<NotificationView> {
      const found = await store.get(viewerId, id);
      const [view] = found ? await present(viewerId, [found]) : [];
      if (!view) throw notFound('notification');
      return view;
    },

    /** Dismissing one that is not there (any more) is not an error: the client wanted it gone. */
    dismiss: async (viewerId: bigint, id: bigint): Promise<void> => void (await store.dismiss(viewerId, id)),
    clear: (viewerId: bigint): Promise<void> => store.clear(viewerId),

    /** Notifications (that pass the filter) newer than the viewer's notifications marker, counted up to `limit`. */
    async unreadCount(viewerId: bigint, limit: number, filter: NotificationFilter = {}): Promise<number> {
      const [marker] = await markers.get(viewerId, ['notifications']);
      return store.countAfter(viewerId, marker?.lastReadId ?? null, limit, filter);
    },

    markers: (viewerId: bigint, timelines: readonly MarkerTimeline[]): Promise<Marker[]> =>
      markers.get(viewerId, timelines),
    saveMarkers: (
      viewerId: bigint,
      positions: readonly { timeline: MarkerTimeline; lastReadId: bigint }[],
    ): Promise<Marker[]> => markers.save(viewerId, positions, new Date(clock.now())),
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
