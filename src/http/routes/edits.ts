import { Type } from 'typebox';
import type { Api, HttpContext } from '../api.js';
import { requireViewer, viewerOf } from '../auth.js';
import { Flag, IdParams, ids, isSet, pathId } from '../params.js';
import { presentStatus, StatusSchema } from '../presenters/status.js';
import { presentStatusEdit, StatusEditSchema, StatusSourceSchema } from '../presenters/status-edit.js';
import { errors } from '../schemas.js';

const EditStatus = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 10_000, description: 'the new text; absent: unchanged' })),
  spoiler_text: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
  sensitive: Type.Optional(Flag),
  language: Type.Optional(Type.Union([Type.String({ maxLength: 16 }), Type.Null()])),
  media_ids: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 4,
      description: "the post's images after the edit, in order: ones it has, and your own unattached uploads",
    }),
  ),
  poll: Type.Optional(Type.Unknown()),
});

type Slice = Pick<HttpContext, 'accounts' | 'edits' | 'presentation'>;

/** Editing one's own posts, and what they said before: `PUT /statuses/:id`, its history and its source. */
export function editRoutes(app: Api, { accounts, edits, presentation }: Slice) {
  app.put(
    '/statuses/:id',
    {
      schema: {
        summary: 'Edit a status',
        description:
          'Only the author edits, and only a post (not a boost); to anyone else it does not exist (404). Counters ' +
          'and replies stay; `edited_at` is set, the earlier version goes into the history, and open streams get ' +
          '`status.update`. An edit that changes nothing records nothing.',
        params: IdParams,
        body: EditStatus,
        response: { 200: StatusSchema, ...errors(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request) => {
      const author = await requireViewer(request, accounts, 'write:statuses');
      const body = request.body;
      const view = await edits.edit(author, pathId(request, 'status'), {
        text: body.status,
        spoilerText: body.spoiler_text === undefined ? undefined : (body.spoiler_text ?? ''),
        sensitive: body.sensitive === undefined ? undefined : isSet(body.sensitive),
        language: body.language === undefined ? undefined : (body.language ?? ''),
        mediaIds: body.media_ids === undefined ? undefined : ids(body.media_ids, 'media_ids'),
      });
      return presentStatus(view, presentation(request));
    },
  );

  app.get(
    '/statuses/:id/history',
    {
      schema: {
        description:
          'Every version of the post, oldest first: the original, each edit, and the current text last.',
        params: IdParams,
        response: { 200: Type.Array(StatusEditSchema), ...errors(401, 404) },
      },
    },
    async (request) => {
      const { view, versions } = await edits.history(
        pathId(request, 'status'),
        await viewerOf(request, accounts),
      );
      const p = presentation(request);
      return versions.map((version) => presentStatusEdit(version, view, p));
    },
  );

  app.get(
    '/statuses/:id/source',
    {
      schema: {
        description: 'The text and content warning as written, for an edit box.',
        params: IdParams,
        response: { 200: StatusSourceSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'read:statuses');
      const { tweet } = await edits.source(pathId(request, 'status'), viewer);
      return { id: tweet.id.toString(), text: tweet.text, spoiler_text: tweet.spoilerText };
    },
  );
}
