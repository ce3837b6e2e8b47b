import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { unauthorized } from '../../domain/errors.js';
import type { FeedEvent, TimelineFeed } from '../../ports/timeline-feed.js';
import type { Api, HttpContext } from '../api.js';
import { bearerToken, sessionFor, viewerOf } from '../auth.js';
import type { OpenStreams } from '../open-streams.js';
import { presentNotification } from '../presenters/notification.js';
import { presentStatus } from '../presenters/status.js';
import { errors } from '../schemas.js';

export interface StreamingSettings {
  /** How often an idle stream gets a comment line, so proxies and the browser see the connection is alive. */
  heartbeatMs?: number;
}

// Unknown parameters are ignored, as everywhere in the API: Mastodon libraries add their own (`stream=user`).
const StreamQuery = Type.Object({
  access_token: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_-]{16,128}$',
      description:
        'The bearer token, for clients that cannot set request headers (a browser EventSource cannot). ' +
        'Prefer the Authorization header where possible: a URL is more likely to be logged than a header.',
    }),
  ),
});

const EVENT_STREAM_DOC =
  'Server-Sent Events, as Mastodon streams them: `event: update` with the Status (JSON) when a post arrives in the ' +
  "caller's home timeline; `event: delete` with its id when one leaves it; `event: status.update` with the Status as it is now when a post there is edited; `event: notification` with the Notification (JSON) when you get one; a comment line (`:thump`) every 15 s. " +
  'Best effort: after a reconnect, and for accounts with very many followers (whose posts are merged at read ' +
  'time, not pushed), page `GET /api/v1/timelines/home?min_id=` to catch up.';

/** `?access_token=…` masked wherever a URL is written down (request logs). */
export const maskAccessToken = (url: string): string =>
  url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]');

/** The request as Fastify's logs describe it, with the query's token masked. */
export function requestForLogs(request: FastifyRequest) {
  return {
    method: request.method,
    url: maskAccessToken(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

const frame = (event: string, data: string) => `event: ${event}\ndata: ${data}\n\n`;

/** `GET /streaming/user`: the caller's home timeline changes, live; `GET /streaming/health` for clients' checks. */
export function streamingRoutes(
  app: Api,
  {
    accounts,
    tweets,
    notifications,
    presentation,
  }: Pick<HttpContext, 'accounts' | 'tweets' | 'notifications' | 'presentation'>,
  feed: TimelineFeed,
  streams: OpenStreams,
  { heartbeatMs = 15_000 }: StreamingSettings = {},
) {
  app.get('/streaming/health', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain').send('OK'),
  );

  const open = new Set<ServerResponse>();
  // Streams never end by themselves; closing the server ends them so it does not wait on them forever.
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get(
    '/streaming/user',
    {
      schema: {
        summary: 'Live updates of the home timeline',
        description: EVENT_STREAM_DOC,
        querystring: StreamQuery,
        response: {
          200: {
            description:
              'An event stream (text/event-stream) of `update`, `delete`, `status.update` and `notification` events, as described above.',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errors(400, 401),
        },
      },
    },
    async (request, reply) => {
      let reader = await viewerOf(request, accounts);
      const token = bearerToken(request) ?? request.query.access_token;
      if (reader === null && token !== undefined) {
        reader = (await sessionFor(token, accounts, request)).accountId;
      }
      if (reader === null || token === undefined || token === null) throw unauthorized();
      const viewer = reader;
      const p = presentation(request);
      const response = reply.raw;
      // Counted against the account's open streams, and closed the moment its session is revoked, wherever.
      const release = streams.open(viewer, token, () => response.end());

      const send = (text: string) => {
        if (!response.writableEnded) response.write(text);
      };
      // Events are told in order; each update is rendered for this reader (their likes, their retweets) on arrival.
      let queue = Promise.resolve();
      const deliver = (event: FeedEvent) => {
        queue = queue.then(async () => {
          if (event.kind === 'notification') {
            // Mastodon's `notification`: the Notification as JSON, for its recipient (their view of the post).
            const view = await notifications.get(viewer, event.notificationId).catch(() => null);
            if (view) send(frame('notification', JSON.stringify(presentNotification(view, p))));
            return;
          }
          if (event.kind === 'delete') return send(frame('delete', event.tweetId.toString()));
          // An edited post is sent whole again, as it is now, under Mastodon's `status.update`.
          const view = await tweets.get(event.tweetId, viewer).catch(() => null);
          if (view) send(frame(event.kind, JSON.stringify(presentStatus(view, p))));
        });
      };
      let unsubscribe: () => void;
      try {
        unsubscribe = await feed.subscribe(viewer, deliver);
      } catch (error) {
        release();
        throw error;
      }
      // From here the route writes the response itself; the headers set by hooks (security, request id) go too.
      reply.hijack();
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) headers[name] = value;
      }
      response.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      open.add(response);
      // `retry` tells the browser how soon to reconnect; the first comment flushes the headers at once.
      send('retry: 5000\n:)\n\n');
      const heartbeat = setInterval(() => send(':thump\n\n'), heartbeatMs);
      response.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        release();
        open.delete(response);
      });
    },
  );
}
