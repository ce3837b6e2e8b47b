import { fromOldest, type IdWindow } from '../domain/model.js';
import type {
  Notification,
  NotificationFilter,
  NotificationStore,
  NotificationType,
} from '../ports/notification-store.js';
import type { Author } from './authors.js';
import type { TweetView } from './hydrate.js';

const HOUR_MS = 3_600_000;
/** Mastodon groups these by default: many people favouriting or boosting one post, or following one account. */
export const GROUPED_BY_DEFAULT: readonly NotificationType[] = ['favourite', 'reblog', 'follow'];
/** Accounts shown per group (Mastodon's sample size). */
const SAMPLE_ACCOUNTS = 8;
/** Notifications read per round while gathering a page's groups, and the rounds at most. */
const SCAN_BATCH = 200;
const SCAN_ROUNDS = 10;

/**
 * What groups a notification with others, as Mastodon 4.3 computes it: favourites or boosts of one post together,
 * follows within one hour; anything else (mentions, or a type not grouped by the request) stands alone.
 */
export function groupKeyOf(
  n: Notification,
  grouped: readonly NotificationType[] = GROUPED_BY_DEFAULT,
): string {
  if (!grouped.includes(n.type)) return `ungrouped-${n.id}`;
  if (n.type === 'follow') return `follow-${Math.floor(n.createdAt.getTime() / HOUR_MS)}`;
  if (n.statusId === null) return `ungrouped-${n.id}`;
  return `${n.type}-${n.statusId}`;
}

/** One group of a page: its notifications within the page, newest first. */
export interface NotificationGroup {
  key: string;
  type: NotificationType;
  statusId: bigint | null;
  /** Newest first; at least one. */
  notifications: Notification[];
  /** The most recent accounts, each once, at most the sample size. */
  sampleAccountIds: bigint[];
}

export interface GroupPage {
  groups: NotificationGroup[];
  /** Where the next (older) page starts, or null; the newest id of the page, for catching up. */
  next: bigint | null;
  prev: bigint | null;
}

/**
 * A page of `limit` groups, as Mastodon's grouped notifications page: the window is read in order from its chosen end,
 * each group is represented by its first notification met, and the page spans from the first to the last
 * representative; every notification read in that span belongs to one of the page's groups (a key not yet seen would
 * have been a representative); the last page, with room left, spans to the end of the window. The next page starts
 * below the page's oldest notification, so a group may go on in the next page, as on Mastodon. Reading stops after a
 * bounded number of notifications.
 */
export async function groupPage(
  store: Pick<NotificationStore, 'list'>,
  accountId: bigint,
  filter: NotificationFilter,
  window: IdWindow,
  grouped: readonly NotificationType[],
): Promise<GroupPage> {
  const oldest = fromOldest(window);
  const read: Notification[] = [];
  const keys = new Map<string, number>();
  let { before, after } = window;
  let exhausted = false;
  let beyond = false;
  for (let round = 0; round < SCAN_ROUNDS && !beyond && !exhausted; round++) {
    const batch = await store.list(accountId, filter, {
      before,
      after,
      limit: SCAN_BATCH,
      from: window.from,
    });
    // In reading order: newest first from the newest end, oldest first from the oldest end.
    const ordered = oldest ? [...batch].reverse() : batch;
    for (const n of ordered) {
      const key = groupKeyOf(n, grouped);
      if (!keys.has(key)) {
        if (keys.size === window.limit) {
          beyond = true;
          break;
        }
        keys.set(key, keys.size);
      }
      read.push(n);
    }
    exhausted = batch.length < SCAN_BATCH;
    const edge = ordered.at(-1);
    if (edge === undefined) break;
    if (oldest) after = edge.id;
    else before = edge.id;
  }
  // The page ends at its last representative: what was read after it (in groups met before) belongs to later pages.
  const met = new Set<string>();
  let lastRepresentative = -1;
  read.forEach((n, i) => {
    const key = groupKeyOf(n, grouped);
    if (!met.has(key)) lastRepresentative = i;
    met.add(key);
  });
  // A page with room left is the last one: it spans to the end of the window, as Mastodon's does.
  if (!beyond && exhausted) lastRepresentative = read.length - 1;
  const byKey = new Map<string, Notification[]>();
  for (const n of read.slice(0, lastRepresentative + 1)) {
    const key = groupKeyOf(n, grouped);
    byKey.set(key, [...(byKey.get(key) ?? []), n]);
  }
  const groups = [...byKey.entries()].map(([key, members]): NotificationGroup => {
    const newestFirst = [...members].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const first = newestFirst[0] as Notification;
    return {
      key,
      type: first.type,
      statusId: first.statusId,
      notifications: newestFirst,
      sampleAccountIds: [...new Set(newestFirst.map((n) => n.fromAccountId))].slice(0, SAMPLE_ACCOUNTS),
    };
  });
  // Newest group first, by its most recent notification.
  groups.sort((a, b) => {
    const [x, y] = [a.notifications[0]?.id ?? 0n, b.notifications[0]?.id ?? 0n];
    return x < y ? 1 : x > y ? -1 : 0;
  });
  const span = read.slice(0, lastRepresentative + 1).map((n) => n.id);
  // Read in order from one end: the span's ends are its oldest and newest.
  const [low, high] = oldest
    ? [span[0] ?? null, span.at(-1) ?? null]
    : [span.at(-1) ?? null, span[0] ?? null];
  const more = beyond || !exhausted || read.length > span.length;
  if (oldest) return { groups, next: low, prev: high ?? window.after ?? null };
  return { groups, next: more ? low : null, prev: high };
}

/** A group with what it shows: the sample accounts and the post. */
export interface NotificationGroupView {
  group: NotificationGroup;
  accounts: Author[];
  status: TweetView | null;
}
