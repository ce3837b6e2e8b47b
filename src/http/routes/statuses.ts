import { Type } from 'typebox';
import { notSupported } from '../../domain/errors.js';
import type { Api, HttpContext } from '../api.js';
import { requireViewer, viewerOf } from '../auth.js';
import { Flag, IdParams, ids, isSet, List, OptionalIdText, optionalId, pathId } from '../params.js';
import { presentStatus, StatusSchema } from '../presenters/status.js';
import { errors } from '../schemas.js';
import { accountListRoute } from './account-lists.js';

const PostStatus = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 10_000 })),
  in_reply_to_id: Type.Optional(OptionalIdText),
  media_ids: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 4,
      description: 'at most 4 of your own uploads no other post lists, in the order to show them',
    }),
  ),
  sensitive: Type.Optional(Flag),
  spoiler_text: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
  visibility: Type.Optional(
    Type.Union([
      Type.Literal('public'),
      Type.Literal('unlisted'),
      Type.Literal('private'),
      Type.Literal('direct'),
    ]),
  ),
  language: Type.Optional(Type.Union([Type.String({ maxLength: 16 }), Type.Null()])),
  scheduled_at: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  poll: Type.Optional(Type.Unknown()),
});

/** `Idempotency-Key`: a retry with the same key and body returns the same status, for 24 hours. */
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'Makes posting safe to retry for 24 hours: the same key and body return the same status',
    }),
  ),
});

/** A deleted status comes back with its text, so a client can offer to write it again. */
const DeletedStatus = Type.Object({ ...StatusSchema.properties, text: Type.String() });

type Slice = Pick<HttpContext, 'accounts' | 'tweets' | 'lists' | 'presentation'>;

/** Statuses: posting, reading, deleting, the thread around one, favourites and boosts, and who did them. */
export function statusRoutes(app: Api, { accounts, tweets, lists, presentation }: Slice) {
  const one = { params: IdParams, response: { 200: StatusSchema, ...errors(400, 401, 403, 404, 429) } };

  app.post(
    '/statuses',
    {
      schema: {
        headers: IdempotencyHeaders,
        body: PostStatus,
        response: { 200: StatusSchema, ...errors(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request) => {
      const author = await requireViewer(request, accounts, 'write:statuses');
      const body = request.body;
      if (body.visibility === 'private' || body.visibility === 'direct') {
        throw notSupported(`visibility "${body.visibility}" is not supported yet; use public or unlisted`);
      }
      if (body.poll !== undefined && body.poll !== null) throw notSupported('polls are not supported');
      if (body.scheduled_at) throw notSupported('scheduled statuses are not supported');
      const { view } = await tweets.post(
        author,
        {
          text: body.status ?? '',
          replyToId: optionalId(body.in_reply_to_id, 'in_reply_to_id'),
          visibility: body.visibility,
          language: body.language ?? undefined,
          spoilerText: body.spoiler_text ?? undefined,
          sensitive: isSet(body.sensitive),
          mediaIds: ids(body.media_ids, 'media_ids'),
        },
        request.headers['idempotency-key'],
      );
      return presentStatus(view, presentation(request));
    },
  );

  app.get(
    '/statuses',
    {
      schema: {
        querystring: Type.Object({ id: Type.Optional(List(40)) }),
        response: { 200: Type.Array(StatusSchema), ...errors(400, 401) },
      },
    },
    async (request) => {
      const views = await tweets.many(ids(request.query.id, 'id'), await viewerOf(request, accounts));
      return views.map((view) => presentStatus(view, presentation(request)));
    },
  );

  app.get('/statuses/:id', { schema: one }, async (request) =>
    presentStatus(
      await tweets.get(pathId(request, 'status'), await viewerOf(request, accounts)),
      presentation(request),
    ),
  );

  app.delete(
    '/statuses/:id',
    { schema: { params: IdParams, response: { 200: DeletedStatus, ...errors(400, 401, 403, 404) } } },
    async (request) => {
      const author = await requireViewer(request, accounts, 'write:statuses');
      const view = await tweets.delete(author, pathId(request, 'status'));
      return { ...presentStatus(view, presentation(request)), text: view.tweet.text };
    },
  );

  app.get(
    '/statuses/:id/context',
    {
      schema: {
        params: IdParams,
        response: {
          200: Type.Object({ ancestors: Type.Array(StatusSchema), descendants: Type.Array(StatusSchema) }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      const thread = await lists.context(pathId(request, 'status'), await viewerOf(request, accounts));
      const p = presentation(request);
      return {
        ancestors: thread.ancestors.map((v) => presentStatus(v, p)),
        descendants: thread.descendants.map((v) => presentStatus(v, p)),
      };
    },
  );

  app.post('/statuses/:id/favourite', { schema: one }, async (request) => {
    const viewer = await requireViewer(request, accounts, 'write:favourites');
    return presentStatus(await tweets.like(viewer, pathId(request, 'status')), presentation(request));
  });
  app.post('/statuses/:id/unfavourite', { schema: one }, async (request) => {
    const viewer = await requireViewer(request, accounts, 'write:favourites');
    return presentStatus(await tweets.unlike(viewer, pathId(request, 'status')), presentation(request));
  });

  const ReblogBody = Type.Union([
    Type.Object({
      visibility: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('unlisted')])),
    }),
    Type.Null(),
  ]);
  app.post(
    '/statuses/:id/reblog',
    { schema: { ...one, body: Type.Optional(ReblogBody) } },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'write:statuses');
      const visibility = request.body?.visibility ?? 'public';
      const { view } = await tweets.retweet(viewer, pathId(request, 'status'), visibility);
      return presentStatus(view, presentation(request));
    },
  );
  app.post('/statuses/:id/unreblog', { schema: one }, async (request) => {
    const viewer = await requireViewer(request, accounts, 'write:statuses');
    return presentStatus(await tweets.undoRetweet(viewer, pathId(request, 'status')), presentation(request));
  });

  accountListRoute(app, { presentation }, '/statuses/:id/favourited_by', 'status', lists.favouritedBy);
  accountListRoute(app, { presentation }, '/statuses/:id/reblogged_by', 'status', lists.rebloggedBy);

  // What Starling does not do yet is refused plainly, never pretended.
  for (const action of ['bookmark', 'unbookmark', 'pin', 'unpin', 'mute', 'unmute']) {
    app.post(`/statuses/:id/${action}`, { schema: { params: IdParams, hide: true } }, async (request) => {
      await requireViewer(request, accounts, 'write:statuses');
      throw notSupported(`${action} is not supported yet`);
    });
  }
}
