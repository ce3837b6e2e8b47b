import { parseId } from '../../domain/ids.js';
import type { Api, HttpServices } from '../api.js';
import { requireViewer, viewerOf } from '../auth.js';
import { tweetJson } from '../present.js';
import { errors, IdempotencyHeaders, IdParams, NoContent, PostTweetBody, Tweet } from '../schemas.js';

export function tweetRoutes(app: Api, { accounts, tweets }: HttpServices) {
  app.post(
    '/tweets',
    {
      schema: {
        headers: IdempotencyHeaders,
        body: PostTweetBody,
        response: { 201: Tweet, 200: Tweet, ...errors(400, 401, 404, 413, 422, 429) },
      },
    },
    async (request, reply) => {
      const author = await requireViewer(request, accounts);
      const { text, reply_to_id } = request.body;
      const replyToId = reply_to_id == null ? undefined : parseId(reply_to_id, 'reply_to_id');
      const key = request.headers['idempotency-key'];
      const { view, created } = await tweets.post(author, { text, replyToId }, key);
      // A retry answered from its key says so with 200; the first request created the tweet (201).
      return reply.status(created ? 201 : 200).send(tweetJson(view));
    },
  );

  app.get(
    '/tweets/:id',
    { schema: { params: IdParams, response: { 200: Tweet, ...errors(400, 401, 404) } } },
    async (request) =>
      tweetJson(await tweets.get(parseId(request.params.id), await viewerOf(request, accounts))),
  );

  app.delete(
    '/tweets/:id',
    { schema: { params: IdParams, response: { 204: NoContent, ...errors(400, 401, 404) } } },
    async (request, reply) => {
      await tweets.delete(await requireViewer(request, accounts), parseId(request.params.id));
      return reply.status(204).send(null);
    },
  );
}
