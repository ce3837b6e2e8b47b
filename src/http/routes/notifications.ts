import { Type } from 'typebox';
import { validationFailed } from '../../domain/errors.js';
import { parseId } from '../../domain/ids.js';
import {
  type Marker,
  type MarkerTimeline,
  NOTIFICATION_TYPES,
  type NotificationFilter,
  type NotificationType,
} from '../../ports/notification-store.js';
import { GROUPED_BY_DEFAULT } from '../../services/notification-groups.js';
import { UNREAD_CAP } from '../../services/notifications.js';
import type { Api, HttpContext } from '../api.js';
import { requireViewer } from '../auth.js';
import { PageQuery, type PageSize, pageWindow, setPageLinks } from '../paging.js';
import { Flag, IdParams, nestParams, pathId } from '../params.js';
import {
  GroupedNotificationsSchema,
  MarkerSchema,
  NotificationSchema,
  presentGroupedNotifications,
  presentMarker,
  presentNotification,
} from '../presenters/notification.js';
import { errors } from '../schemas.js';

/** Mastodon's page of notifications: 40 by default, 80 at most. */
const NOTIFICATION_PAGE: PageSize = { fallback: 40, max: 80 };

const TypeList = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: 32,
  description:
    "Mastodon's notification types (`mention`, `favourite`, `reblog`, `follow` are the ones Starling writes; " +
    'others are accepted and match nothing)',
});

const ListQuery = Type.Object({
  ...PageQuery,
  types: Type.Optional(TypeList),
  exclude_types: Type.Optional(TypeList),
  account_id: Type.Optional(Type.String({ maxLength: 20, description: 'only those from this account' })),
});

const KNOWN: ReadonlySet<string> = new Set(NOTIFICATION_TYPES);
const known = (values: readonly string[]) => values.filter((v): v is NotificationType => KNOWN.has(v));

/** The list's filter from the query, as Mastodon reads it: `types` given means only those that exist. */
export function notificationFilter(query: {
  types?: string[] | undefined;
  exclude_types?: string[] | undefined;
  account_id?: string | undefined;
}): NotificationFilter {
  return {
    types: query.types && query.types.length > 0 ? known(query.types) : undefined,
    excludeTypes: known(query.exclude_types ?? []),
    fromAccountId:
      query.account_id === undefined || query.account_id === ''
        ? undefined
        : parseId(query.account_id, 'account_id'),
  };
}

const TIMELINES: readonly MarkerTimeline[] = ['home', 'notifications'];
const MarkerQuery = Type.Object({
  timeline: Type.Optional(
    Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8, description: '`home` and/or `notifications`' }),
  ),
});
const MarkerPosition = Type.Object({
  last_read_id: Type.String({ minLength: 1, maxLength: 20, description: 'the id of the last item read' }),
});
const MarkerBody = Type.Object({
  home: Type.Optional(MarkerPosition),
  notifications: Type.Optional(MarkerPosition),
});
const Markers = Type.Object({
  home: Type.Optional(MarkerSchema),
  notifications: Type.Optional(MarkerSchema),
});

type Slice = Pick<HttpContext, 'accounts' | 'notifications' | 'presentation'>;

/** Notifications (newest first, paged by the Link header), dismissing them, the unread count and read markers. */
export function notificationRoutes(app: Api, { accounts, notifications, presentation }: Slice) {
  app.get(
    '/notifications',
    {
      schema: {
        summary: 'Your notifications',
        description:
          'Mentions (replies included), favourites and boosts of your posts, and new followers, newest first. ' +
          'Written by the workers moments after the cause; none for what you do yourself, and gone when the cause ' +
          'is undone (an unfavourite, an undone boost, an unfollow) or the post deleted.',
        querystring: ListQuery,
        response: { 200: Type.Array(NotificationSchema), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const viewer = await requireViewer(request, accounts, 'read:notifications');
      const window = pageWindow(request.query, NOTIFICATION_PAGE);
      const page = await notifications.page(viewer, notificationFilter(request.query), window);
      const p = presentation(request);
      setPageLinks(request, reply, p.origin, page);
      return page.items.map((view) => presentNotification(view, p));
    },
  );

  app.get(
    '/notifications/unread_count',
    {
      schema: {
        summary: 'How many notifications are unread',
        description:
          'Notifications newer than your `notifications` marker (all of them without one), counted up to `limit`; ' +
          'filtered as the list is.',
        querystring: Type.Object({
          types: Type.Optional(TypeList),
          exclude_types: Type.Optional(TypeList),
          account_id: ListQuery.properties.account_id,
          limit: Type.Optional(
            Type.Integer({
              minimum: 1,
              description: `default ${UNREAD_CAP.fallback}, at most ${UNREAD_CAP.max}`,
            }),
          ),
        }),
        response: { 200: Type.Object({ count: Type.Integer() }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'read:notifications');
      const limit = Math.min(request.query.limit ?? UNREAD_CAP.fallback, UNREAD_CAP.max);
      return { count: await notifications.unreadCount(viewer, limit, notificationFilter(request.query)) };
    },
  );

  app.post(
    '/notifications/clear',
    {
      schema: {
        summary: 'Dismiss all your notifications',
        response: { 200: Type.Object({}), ...errors(401, 403) },
      },
    },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'write:notifications');
      await notifications.clear(viewer);
      return {};
    },
  );

  app.get(
    '/notifications/:id',
    {
      schema: {
        summary: 'One of your notifications',
        params: IdParams,
        response: { 200: NotificationSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'read:notifications');
      const view = await notifications.get(viewer, pathId(request, 'notification'));
      return presentNotification(view, presentation(request));
    },
  );

  app.post(
    '/notifications/:id/dismiss',
    {
      schema: {
        summary: 'Dismiss one of your notifications',
        description: 'Succeeds also when it is already gone.',
        params: IdParams,
        response: { 200: Type.Object({}), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'write:notifications');
      await notifications.dismiss(viewer, pathId(request, 'notification'));
      return {};
    },
  );

  app.get(
    '/markers',
    {
      schema: {
        summary: 'Where you stopped reading',
        description:
          'The saved positions in `home` and `notifications` (those asked for that were ever saved).',
        querystring: MarkerQuery,
        response: { 200: Markers, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'read:statuses');
      const asked = (request.query.timeline ?? []).filter((t): t is MarkerTimeline =>
        TIMELINES.includes(t as MarkerTimeline),
      );
      return markersJson(await notifications.markers(viewer, asked));
    },
  );

  app.post(
    '/markers',
    {
      schema: {
        summary: 'Save where you stopped reading',
        description:
          'Each timeline given (`home[last_read_id]`, `notifications[last_read_id]`, as a form or JSON) replaces ' +
          'its saved position; its `version` moves when the position does.',
        body: MarkerBody,
        response: { 200: Markers, ...errors(400, 401, 403) },
      },
      preValidation: async (request) => {
        request.body = nestParams(request.body) as typeof request.body;
      },
    },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'write:statuses');
      const body = request.body ?? {};
      const positions = TIMELINES.flatMap((timeline) => {
        const given = body[timeline];
        return given
          ? [{ timeline, lastReadId: parseId(given.last_read_id, `${timeline}[last_read_id]`) }]
          : [];
      });
      if (positions.length === 0)
        throw validationFailed('give home[last_read_id] or notifications[last_read_id]');
      return markersJson(await notifications.saveMarkers(viewer, positions));
    },
  );
}

function markersJson(markers: readonly Marker[]) {
  return Object.fromEntries(markers.map((m) => [m.timeline, presentMarker(m)]));
}

const GroupedQuery = Type.Object({
  ...ListQuery.properties,
  grouped_types: Type.Optional(TypeList),
  expand_accounts: Type.Optional(
    Type.String({ maxLength: 32, description: 'accounts are always given in full' }),
  ),
  include_filtered: Type.Optional(Flag),
});

/** `GET /api/v2/notifications`: notifications grouped as Mastodon 4.3 groups them. */
export function groupedNotificationRoutes(app: Api, { accounts, notifications, presentation }: Slice) {
  app.get(
    '/notifications',
    {
      schema: {
        summary: 'Your notifications, grouped',
        description:
          'As `GET /api/v1/notifications`, with favourites and boosts of one post, and follows within an hour, ' +
          'grouped (`grouped_types`, by default `favourite`, `reblog` and `follow`): a page of `limit` groups, ' +
          'each with its count in the page and up to 8 of the accounts, which come once in `accounts` with the ' +
          'posts in `statuses`. Paged by the Link header; a group may go on in the next page.',
        querystring: GroupedQuery,
        response: { 200: GroupedNotificationsSchema, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const viewer = await requireViewer(request, accounts, 'read:notifications');
      const q = request.query;
      const window = pageWindow(q, NOTIFICATION_PAGE);
      const grouped = q.grouped_types === undefined ? GROUPED_BY_DEFAULT : known(q.grouped_types);
      const result = await notifications.groups(viewer, notificationFilter(q), window, grouped);
      const p = presentation(request);
      setPageLinks(request, reply, p.origin, result.page);
      return presentGroupedNotifications(result, p);
    },
  );
}
