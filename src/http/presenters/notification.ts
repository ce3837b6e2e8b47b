import { type Static, Type } from 'typebox';
import type { Marker } from '../../ports/notification-store.js';
import type { Author } from '../../services/authors.js';
import type { TweetView } from '../../services/hydrate.js';
import { groupKeyOf, type NotificationGroup } from '../../services/notification-groups.js';
import type { NotificationView } from '../../services/notifications.js';
import { oneOf } from '../schemas.js';
import { AccountSchema, presentAccount } from './account.js';
import type { Presentation } from './presentation.js';
import { presentStatus, StatusSchema } from './status.js';

/** The Mastodon Notification entity (4.3), for the types Starling writes. */
export const NotificationSchema = Type.Object({
  id: Type.String({
    description: '64-bit Snowflake as a decimal string; newer notifications have larger ids',
  }),
  type: oneOf(['mention', 'favourite', 'reblog', 'follow']),
  group_key: Type.String({
    description:
      'notifications with one key group together: favourites or boosts of one post, follows within an hour; ' +
      'mentions are never grouped (`ungrouped-<id>`)',
  }),
  created_at: Type.String({ format: 'date-time' }),
  account: AccountSchema,
  status: Type.Optional(StatusSchema),
});
export type NotificationJson = Static<typeof NotificationSchema>;

export function presentNotification(view: NotificationView, p: Presentation): NotificationJson {
  const { notification: n } = view;
  return {
    id: n.id.toString(),
    type: n.type,
    group_key: groupKeyOf(n),
    created_at: n.createdAt.toISOString(),
    account: presentAccount(view.account, p),
    ...(view.status ? { status: presentStatus(view.status, p) } : {}),
  };
}

export const MarkerSchema = Type.Object({
  last_read_id: Type.String({ description: 'the id of the last item read' }),
  version: Type.Integer({ description: 'moves with every change' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export const presentMarker = (m: Marker) => ({
  last_read_id: m.lastReadId.toString(),
  version: m.version,
  updated_at: m.updatedAt.toISOString(),
});

const NotificationType = NotificationSchema.properties.type;

/** Mastodon 4.3's NotificationGroup: a page's notifications of one group key, with a sample of who acted. */
export const NotificationGroupSchema = Type.Object({
  group_key: Type.String(),
  notifications_count: Type.Integer({ description: 'notifications of the group within this page' }),
  type: NotificationType,
  most_recent_notification_id: Type.String(),
  page_min_id: Type.String(),
  page_max_id: Type.String(),
  latest_page_notification_at: Type.String({ format: 'date-time' }),
  sample_account_ids: Type.Array(Type.String(), { description: 'the most recent accounts, at most 8' }),
  status_id: Type.Optional(Type.String()),
});

export const GroupedNotificationsSchema = Type.Object({
  accounts: Type.Array(AccountSchema),
  statuses: Type.Array(StatusSchema),
  notification_groups: Type.Array(NotificationGroupSchema),
});

export function presentNotificationGroup(group: NotificationGroup): Static<typeof NotificationGroupSchema> {
  const newest = group.notifications[0];
  const oldest = group.notifications.at(-1);
  if (!newest || !oldest) throw new Error('a notification group has notifications');
  return {
    group_key: group.key,
    notifications_count: group.notifications.length,
    type: group.type,
    most_recent_notification_id: newest.id.toString(),
    page_min_id: oldest.id.toString(),
    page_max_id: newest.id.toString(),
    latest_page_notification_at: newest.createdAt.toISOString(),
    sample_account_ids: group.sampleAccountIds.map(String),
    ...(group.statusId === null ? {} : { status_id: group.statusId.toString() }),
  };
}

export const presentGroupedNotifications = (
  result: { page: { groups: NotificationGroup[] }; accounts: Author[]; statuses: TweetView[] },
  p: Presentation,
) => ({
  accounts: result.accounts.map((a) => presentAccount(a, p)),
  statuses: result.statuses.map((s) => presentStatus(s, p)),
  notification_groups: result.page.groups.map(presentNotificationGroup),
});
