import { type Static, Type } from 'typebox';
import type { Marker } from '../../ports/notification-store.js';
import type { NotificationView } from '../../services/notifications.js';
import { AccountSchema, presentAccount } from './account.js';
import type { Presentation } from './presentation.js';
import { presentStatus, StatusSchema } from './status.js';

const HOUR_MS = 3_600_000;

/** The Mastodon Notification entity (4.3), for the types Starling writes. */
export const NotificationSchema = Type.Object({
  id: Type.String({
    description: '64-bit Snowflake as a decimal string; newer notifications have larger ids',
  }),
  type: Type.Union([
    Type.Literal('mention'),
    Type.Literal('favourite'),
    Type.Literal('reblog'),
    Type.Literal('follow'),
  ]),
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

/** What groups a notification with others, as Mastodon 4.3 computes it (`type-status` or `type-hour`). */
export function groupKeyOf({ notification: n }: Pick<NotificationView, 'notification'>): string {
  if (n.type === 'mention' || (n.type !== 'follow' && n.statusId === null)) return `ungrouped-${n.id}`;
  if (n.type === 'follow') return `follow-${Math.floor(n.createdAt.getTime() / HOUR_MS)}`;
  return `${n.type}-${n.statusId}`;
}

export function presentNotification(view: NotificationView, p: Presentation): NotificationJson {
  const { notification: n } = view;
  return {
    id: n.id.toString(),
    type: n.type,
    group_key: groupKeyOf(view),
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
