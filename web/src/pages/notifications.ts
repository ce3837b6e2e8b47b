import { type NotificationJson, PAGE_SIZE, request } from '../api.js';
import {
  groupKey,
  groupPage,
  mergeInto,
  type NotificationGroup,
  notificationCard,
} from '../components/notification-group.js';
import { PagedList } from '../components/paged-list.js';
import { h, link } from '../dom.js';
import { navigate, type ViewContext } from '../router.js';
import { currentSession } from '../session.js';
import { listenToStream } from '../stream.js';
import { lastRead, markRead, onNotification } from '../unread.js';

/** Mastodon's largest page: a reconnection reads this much of what it missed. */
const CATCH_UP = 40;

/**
 * `/notifications`: likes, retweets, follows and mentions, newest first, grouped where it helps, loaded further on
 * scrolling. What arrives while the page is open goes to the top; whatever the reader sees here counts as read.
 */
export async function notificationsView({ root, signal }: ViewContext) {
  if (!currentSession()) {
    navigate(`/login?next=${encodeURIComponent('/notifications')}`, { replace: true });
    return;
  }
  // What was unread when the page opened stays marked as such while it is open.
  const marker = lastRead();
  let unreadAfter: string | null = null;
  const groups = new Map<string, NotificationGroup>();
  let newest: string | null = null;
  const seeNewest = (id: string) => {
    if (newest === null || BigInt(id) > BigInt(newest)) newest = id;
  };
  const render = (group: NotificationGroup) => notificationCard(group, unreadAfter);

  const list = new PagedList<NotificationGroup>({
    async load(cursor, abort) {
      const { body, next } = await request<NotificationJson[]>('GET', '/api/v1/notifications', {
        query: { limit: PAGE_SIZE, max_id: cursor ?? undefined },
        signal: abort,
      });
      unreadAfter = await marker;
      const fresh: NotificationGroup[] = [];
      for (const group of groupPage(body)) {
        const shown = groups.get(group.key);
        if (shown) {
          // More of a group already on the list (older likes of the same post): it grows where it is.
          const merged = mergeInto(shown, group.notifications);
          groups.set(group.key, merged);
          list.replace(merged);
        } else {
          groups.set(group.key, group);
          fresh.push(group);
        }
      }
      for (const notification of body) seeNewest(notification.id);
      return { items: fresh, next };
    },
    key: (group) => group.key,
    render,
    empty: 'Nothing yet. Likes, retweets, new followers and mentions show up here.',
    doing: 'load your notifications',
    label: 'Notifications',
    signal,
  });

  const readIfSeen = () => {
    if (newest !== null && document.visibilityState === 'visible' && !signal.aborted) void markRead(newest);
  };

  const arrived = (notification: NotificationJson) => {
    const key = groupKey(notification);
    const shown = groups.get(key);
    // Told twice (the stream and a catch-up): shown already, where it is.
    if (shown?.notifications.some((n) => n.id === notification.id)) return;
    const group = shown
      ? mergeInto(shown, [notification])
      : { key, type: notification.type, notifications: [notification] };
    groups.set(key, group);
    // A group that grows moves to the top, where its newest now belongs.
    list.remove(key);
    list.prepend([group]);
    seeNewest(notification.id);
  };
  const stop = onNotification((notification) => {
    arrived(notification);
    readIfSeen();
  });
  // Whenever the stream (re)connects, what came while it was down; before the first page, that page covers it.
  let loaded = false;
  let catchingUp = false;
  const catchUp = async () => {
    if (!loaded || catchingUp || signal.aborted) return;
    catchingUp = true;
    try {
      const { body } = await request<NotificationJson[]>('GET', '/api/v1/notifications', {
        query: { limit: CATCH_UP, since_id: newest ?? undefined },
        signal,
      });
      for (const notification of [...body].reverse()) arrived(notification);
      readIfSeen();
    } catch {
      // The next reconnection tries again; a reload shows everything.
    } finally {
      catchingUp = false;
    }
  };
  const stopListening = listenToStream({ open: () => void catchUp() });
  const onVisible = () => readIfSeen();
  document.addEventListener('visibilitychange', onVisible);
  signal.addEventListener('abort', () => {
    stop();
    stopListening();
    document.removeEventListener('visibilitychange', onVisible);
  });

  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Notifications'),
      // Every post that names the reader, not only those it was told of.
      link('/mentions', { class: 'page-head-link' }, 'All mentions'),
    ),
    list.element,
  );
  await list.loadMore();
  if (signal.aborted) return;
  list.start();
  loaded = true;
  readIfSeen();
  void catchUp();
}
