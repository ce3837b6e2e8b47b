import type { AccountJson, NotificationJson, StatusJson } from '../api.js';
import { avatar, h, handlePath, link, tweetPath } from '../dom.js';
import { statusContent } from '../rich-text.js';
import { timeLabel } from '../time.js';
import { tweetCard } from './tweet-card.js';

/**
 * Notifications of one kind about one thing, shown as one: every like of a post ("Bob and 3 others liked your
 * post"), every retweet of it, the day's new followers. A mention or a reply is always shown on its own, whole.
 */
export interface NotificationGroup {
  key: string;
  type: string;
  /** Newest first, one per account. */
  notifications: NotificationJson[];
}

const GROUPED = new Set(['favourite', 'reblog', 'follow']);

/** How many avatars a group shows before "and N others" has to say the rest. */
const AVATARS = 6;

export function groupKey(notification: NotificationJson): string {
  const { type } = notification;
  if (!GROUPED.has(type)) return `${type}:${notification.id}`;
  if (type === 'follow') return `follow:${notification.created_at.slice(0, 10)}`;
  return `${type}:${notification.status?.id ?? notification.id}`;
}

const newer = (a: NotificationJson, b: NotificationJson) => (BigInt(a.id) > BigInt(b.id) ? -1 : 1);

/** Adds notifications to a group: newest first, and an account that did it twice is named once. */
export function mergeInto(group: NotificationGroup, more: readonly NotificationJson[]): NotificationGroup {
  const byId = new Map(group.notifications.map((n) => [n.id, n]));
  for (const notification of more) byId.set(notification.id, notification);
  const seen = new Set<string>();
  const notifications = [...byId.values()].sort(newer).filter((n) => {
    if (seen.has(n.account.id)) return false;
    seen.add(n.account.id);
    return true;
  });
  return { ...group, notifications };
}

/** Groups a page of notifications (newest first), keeping the order of each group's newest. */
export function groupPage(page: readonly NotificationJson[]): NotificationGroup[] {
  const groups = new Map<string, NotificationGroup>();
  for (const notification of page) {
    const key = groupKey(notification);
    const group = groups.get(key) ?? { key, type: notification.type, notifications: [] };
    groups.set(key, mergeInto(group, [notification]));
  }
  return [...groups.values()];
}

const nameOf = (account: AccountJson) => account.display_name || account.username;

/** "Bob", "Bob and Carol", "Bob and 3 others", the first name linked to its profile. */
function who(accounts: readonly AccountJson[]): (Node | string)[] {
  const [first, second] = accounts;
  if (!first) return [];
  const name = (account: AccountJson) => link(handlePath(account.acct), { class: 'name' }, nameOf(account));
  if (accounts.length === 1) return [name(first)];
  if (accounts.length === 2 && second) return [name(first), ' and ', name(second)];
  const others = accounts.length - 1;
  return [name(first), ` and ${others} others`];
}

const VERBS: Record<string, string> = {
  favourite: 'liked your post',
  reblog: 'retweeted your post',
  follow: 'followed you',
  mention: 'mentioned you',
  status: 'posted',
  update: 'edited a post you interacted with',
  follow_request: 'asked to follow you',
};

/** A short, plain view of the post a like or a retweet was for, linking to it. */
function quoted(status: StatusJson): HTMLElement {
  return link(
    tweetPath(status.id),
    { class: 'quoted' },
    h('span', { class: 'quoted-text' }, statusContent(status.content, status.mentions)),
  );
}

export function notificationCard(group: NotificationGroup, unreadAfter: string | null): HTMLElement {
  const newest = group.notifications[0] as NotificationJson;
  const accounts = group.notifications.map((n) => n.account);
  const unread = group.notifications.some((n) => unreadAfter === null || BigInt(n.id) > BigInt(unreadAfter));
  const when = timeLabel(newest.created_at);
  const mentionLike = newest.type === 'mention' || newest.type === 'status' || newest.type === 'update';
  const verb =
    newest.type === 'mention' && newest.status?.in_reply_to_id
      ? 'replied to you'
      : (VERBS[newest.type] ?? newest.type);
  const line = h(
    'p',
    { class: 'notification-line' },
    ...who(accounts),
    ` ${verb} `,
    h('time', { class: 'time', attrs: { datetime: newest.created_at, title: when.full } }, when.short),
  );
  const faces =
    GROUPED.has(newest.type) && accounts.length > 1
      ? h(
          'div',
          { class: 'faces' },
          ...accounts
            .slice(0, AVATARS)
            .map((account) =>
              link(
                handlePath(account.acct),
                { class: 'avatar-link', attrs: { title: nameOf(account) } },
                avatar(account),
              ),
            ),
        )
      : '';
  const body =
    mentionLike && newest.status ? tweetCard(newest.status) : newest.status ? quoted(newest.status) : '';
  return h(
    'article',
    {
      class: `notification${unread ? ' unread' : ''}`,
      dataset: { type: newest.type, count: String(accounts.length) },
    },
    h('header', { class: 'notification-head' }, accounts.length === 1 ? avatar(newest.account) : '', line),
    faces,
    body,
  );
}
