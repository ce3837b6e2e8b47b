import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../domain/errors.js';
import type { TweetView } from '../../services/hydrate.js';
import type { Page } from '../../services/pages.js';
import type { Api, HttpContext } from '../api.js';
import { requireViewer, viewerOf } from '../auth.js';
import { PageQuery, pageWindow, STATUS_PAGE, setPageLinks } from '../paging.js';
import { Flag, isSet } from '../params.js';
import { presentStatus, StatusSchema } from '../presenters/status.js';
import { errors } from '../schemas.js';

const PublicQuery = Type.Object({
  ...PageQuery,
  local: Type.Optional(Flag),
  remote: Type.Optional(Flag),
  only_media: Type.Optional(Flag),
});
const TagQuery = Type.Object({
  ...PageQuery,
  local: Type.Optional(Flag),
  remote: Type.Optional(Flag),
  only_media: Type.Optional(Flag),
  any: Type.Optional(Type.Array(Type.String())),
  all: Type.Optional(Type.Array(Type.String())),
  none: Type.Optional(Type.Array(Type.String())),
});
const response = { 200: Type.Array(StatusSchema), ...errors(400, 401, 403) };

type Slice = Pick<HttpContext, 'accounts' | 'timelines' | 'lists' | 'presentation'>;

/** The home, public and hashtag timelines: newest first, paged by the Link header. */
export function timelineRoutes(app: Api, { accounts, timelines, lists, presentation }: Slice) {
  const send = (request: FastifyRequest, reply: FastifyReply, page: Page<TweetView>) => {
    const p = presentation(request);
    setPageLinks(request, reply, p.origin, page);
    return page.items.map((view) => presentStatus(view, p));
  };
  const empty = { items: [], next: null, prev: null };

  app.get(
    '/timelines/home',
    { schema: { querystring: Type.Object(PageQuery), response } },
    async (request, reply) => {
      const reader = await requireViewer(request, accounts, 'read:statuses');
      return send(request, reply, await timelines.home(reader, pageWindow(request.query, STATUS_PAGE)));
    },
  );

  // Every account is local: `remote` asks for what does not exist here, and no post has media yet.
  app.get('/timelines/public', { schema: { querystring: PublicQuery, response } }, async (request, reply) => {
    const q = request.query;
    if (isSet(q.remote) || isSet(q.only_media)) return send(request, reply, empty);
    const viewer = await viewerOf(request, accounts);
    return send(request, reply, await lists.public(pageWindow(q, STATUS_PAGE), viewer));
  });

  app.get(
    '/timelines/tag/:hashtag',
    {
      schema: {
        params: Type.Object({ hashtag: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: TagQuery,
        response,
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (isSet(q.remote) || isSet(q.only_media)) return send(request, reply, empty);
      const viewer = await viewerOf(request, accounts);
      return send(
        request,
        reply,
        await lists.tagged(request.params.hashtag, pageWindow(q, STATUS_PAGE), viewer),
      );
    },
  );

  // Starling has no lists yet: every list id names nothing.
  app.get('/timelines/list/:id', { schema: { hide: true } }, async (request) => {
    await requireViewer(request, accounts, 'read:lists');
    throw notFound('list');
  });
}
