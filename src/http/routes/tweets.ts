import { parseId } from '../../domain/ids.js';
import type { Api, HttpServices } from '../api.js';
import { requireViewer, viewerOf } from '../auth.js';
import { pageWindow } from '../paging.js';
import { tweetJson, tweetPageJson } from '../present.js';
import {
  errors,
  IdempotencyHeaders,
  IdParams,
  LikeResponse,
  NoContent,
  PageQuery,
  PostTweetBody,
  Tweet,
  TweetPage,
} from '../schemas.js';

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

  app.post(
    '/tweets/:id/retweet',
    {
      schema: {
        params: IdParams,
        response: { 201: Tweet, 200: Tweet, ...errors(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      const author = await requireViewer(request, accounts);
      const { view, created } = await tweets.retweet(author, parseId(request.params.id));
      // Retweeting again answers with the retweet there is, as 200.
      return reply.status(created ? 201 : 200).send(tweetJson(view));
    },
  );

  app.delete(
    '/tweets/:id/retweet',
    { schema: { params: IdParams, response: { 204: NoContent, ...errors(400, 401, 404) } } },
    async (request, reply) => {
      await tweets.undoRetweet(await requireViewer(request, accounts), parseId(request.params.id));
      return reply.status(204).send(null);
    },
  );

  const likeSchema = { params: IdParams, response: { 200: LikeResponse, ...errors(400, 401, 404) } };
  app.put('/tweets/:id/like', { schema: likeSchema }, async (request) => {
    await tweets.like(await requireViewer(request, accounts), parseId(request.params.id));
    return { liked: true };
  });
  app.delete('/tweets/:id/like', { schema: likeSchema }, async (request) => {
    await tweets.unlike(await requireViewer(request, accounts), parseId(request.params.id));
    return { liked: false };
  });

  app.get(
    '/tweets/:id/replies',
    {
      schema: {
        params: IdParams,
        querystring: PageQuery,
        response: { 200: TweetPage, ...errors(400, 401, 404) },
      },
    },
    async (request) =>
      tweetPageJson(
        await tweets.replies(
          parseId(request.params.id),
          pageWindow(request.query),
          await viewerOf(request, accounts),
        ),
      ),
  );
}
