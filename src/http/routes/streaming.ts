import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { unauthorized } from '../../domain/errors.js';
import type { FeedEvent, TimelineFeed } from '../../ports/timeline-feed.js';
import type { Api, HttpServices } from '../api.js';
import { viewerOf } from '../auth.js';
import { errors } from '../schemas.js';

export interface StreamingSettings {
  /** How often an idle stream gets a comment line, so proxies and the browser see the connection is alive. */
  heartbeatMs?: number;
}

const StreamQuery = Type.Object(
  {
    access_token: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{16,128}$',
        description:
          'The bearer token, for clients that cannot set request headers (a browser EventSource cannot). ' +
          'Prefer the Authorization header where possible: a URL is more likely to be logged than a header.',
      }),
    ),
  },
  { additionalProperties: false },
);

const EVENT_STREAM_DOC =
  "Server-Sent Events. `event: update` with `data: <tweet id>` when an entry arrives in the caller's home " +
  'timeline; `event: delete` with `data: <tweet id>` when one leaves it; a comment line (`: heartbeat`) every ' +
  '15 s. Best effort: after a reconnect, and for accounts with very many followers (whose posts are merged at ' +
  'read time, not pushed), poll `GET /timelines/home?since_id=` to catch up.';

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

const frame = (event: FeedEvent) => `event: ${event.kind}\ndata: ${event.tweetId.toString()}\n\n`;

/** `GET /streaming/home`: the caller's home timeline changes, live. */
export function streamingRoutes(
  app: Api,
  { accounts }: Pick<HttpServices, 'accounts'>,
  feed: TimelineFeed,
  { heartbeatMs = 15_000 }: StreamingSettings = {},
) {
  const open = new Set<ServerResponse>();
  // Streams never end by themselves; closing the server ends them so it does not wait on them forever.
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get(
    '/streaming/home',
    {
      schema: {
        summary: 'Live updates of the home timeline',
        description: EVENT_STREAM_DOC,
        querystring: StreamQuery,
        response: {
          200: {
            description:
              'An event stream (text/event-stream) of `update` and `delete` events, as described above.',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errors(400, 401),
        },
      },
    },
    async (request, reply) => {
      let reader = await viewerOf(request, accounts);
      const token = request.query.access_token;
      if (reader === null && token !== undefined) {
        reader = await accounts.authenticate(token);
        if (reader === null) throw unauthorized('the token is not valid');
      }
      if (reader === null) throw unauthorized();

      const response = reply.raw;
      const send = (text: string) => {
        if (!response.writableEnded) response.write(text);
      };
      const unsubscribe = await feed.subscribe(reader, (event) => send(frame(event)));
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
      send('retry: 5000\n: connected\n\n');
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
      response.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
      });
    },
  );
}
