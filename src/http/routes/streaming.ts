import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { forbidden, notFound, unauthorized, validationFailed } from '../../domain/errors.js';
import type { Api, HttpContext } from '../api.js';
import { bearerToken } from '../auth.js';
import type { StreamSink } from '../live/live-stream.js';
import { isRefusal, parseStream, type StreamName, streamOfPath } from '../live/stream-names.js';
import type { Streaming } from '../live/streaming.js';
import { Flag, isSet } from '../params.js';
import { errors } from '../schemas.js';

export const TOKEN_PATTERN = '^[A-Za-z0-9_-]{16,128}$';

// Unknown parameters are ignored, as everywhere in the API: Mastodon libraries add their own (`stream=user`).
const StreamQuery = Type.Object({
  access_token: Type.Optional(
    Type.String({
      pattern: TOKEN_PATTERN,
      description:
        'The bearer token, for clients that cannot set request headers (a browser EventSource cannot). ' +
        'Prefer the Authorization header where possible: a URL is more likely to be logged than a header.',
    }),
  ),
  tag: Type.Optional(Type.String({ description: 'The hashtag, for the hashtag streams.' })),
  only_media: Type.Optional(Flag),
});

const EVENT_STREAM_DOC =
  'Server-Sent Events, as Mastodon streams them: `event: update` with the Status (JSON) when a post arrives; ' +
  '`event: delete` with its id when one leaves; `event: status.update` with the Status as it is now when one is ' +
  'edited; a comment line (`:thump`) every 15 s. The user stream follows the home timeline; the public streams (every ' +
  'account is local: `public` and `public/local` are one) the public timeline; the hashtag streams `?tag=`. A client ' +
  'that leaves too much unread is disconnected. Best effort: after a reconnect, and for accounts with very many ' +
  'followers (whose posts are merged at read time, not pushed), page the timeline with `min_id=` to catch up.';

/** The SSE paths under `/streaming/`, and what each is (Mastodon's `channelNameFromPath`). */
const PATHS = [
  ['user', 'Live updates of the home timeline'],
  ['user/notification', 'Live notifications'],
  ['public', 'Live updates of the public timeline (`?only_media=true`: posts with media)'],
  [
    'public/local',
    'Live updates of the local public timeline: the same as `public`, every account being local',
  ],
  ['public/remote', 'Live updates of remote posts: none, every account being local'],
  ['hashtag', 'Live updates of a hashtag timeline (`?tag=`)'],
  ['hashtag/local', 'Live updates of a local hashtag timeline (`?tag=`): the same as `hashtag`'],
  ['direct', 'Live direct conversations: none, Starling has no direct messages'],
] as const;

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

/** The event-stream forms of the streams, `GET /streaming/<path>`, and `GET /streaming/health` for clients' checks. */
export function streamingRoutes(
  app: Api,
  { presentation }: Pick<HttpContext, 'presentation'>,
  streaming: Streaming,
) {
  app.get('/streaming/health', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain').send('OK'),
  );

  const open = new Set<() => void>();
  // Streams never end by themselves; closing the server ends them so it does not wait on them forever.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  for (const [path, summary] of PATHS) {
    app.get(
      `/streaming/${path}`,
      {
        schema: {
          summary,
          description: EVENT_STREAM_DOC,
          querystring: StreamQuery,
          response: {
            200: {
              description: 'An event stream (text/event-stream) of the events described above.',
              content: { 'text/event-stream': { schema: Type.String() } },
            },
            ...errors(400, 401, 403, 404, 429),
          },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const name = streamOfPath(path, isSet(query.only_media)) as StreamName;
        const spec = parseStream(name, { tag: query.tag });
        const token = bearerToken(request) ?? query.access_token ?? null;
        const session = await streaming.sessionOf(request, token);
        if (isRefusal(spec)) {
          if (spec.status === 400) throw validationFailed(spec.error);
          throw notFound('list');
        }
        const refusal = streaming.refusal(spec, session);
        if (refusal) {
          if (session?.accountId == null) throw unauthorized('This stream requires an access token');
          throw forbidden(`This stream is outside the authorized scopes (${refusal.error})`);
        }
        const response = reply.raw;
        // Counted against the account's (or the address's) open streams, and closed the moment its session is
        // revoked, wherever.
        const release = streaming.streams.open(session?.accountId ?? request.ip, token, () => response.end());
        const sink: StreamSink = {
          send: (_stream, event, payload) => {
            if (!response.writableEnded) response.write(frame(event, payload));
          },
          buffered: () => response.writableLength,
          // Nothing more is written, and what was waiting is let go: the client reconnects and catches up.
          fellBehind: () => response.destroy(),
        };
        const live = streaming.open(session, presentation(request), sink);
        try {
          await live.subscribe(spec);
        } catch (error) {
          live.close();
          release();
          throw error;
        }
        // From here the route writes the response itself; the headers set by hooks (security, request id) go too.
        reply.hijack();
        const headers: OutgoingHttpHeaders = {};
        for (const [header, value] of Object.entries(reply.getHeaders())) {
          if (value !== undefined) headers[header] = value;
        }
        response.writeHead(200, {
          ...headers,
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        const end = () => response.end();
        open.add(end);
        // `retry` tells the browser how soon to reconnect; the first comment flushes the headers at once.
        response.write('retry: 5000\n:)\n\n');
        const stopBeating = streaming.heartbeat.add(() => {
          if (!response.writableEnded) response.write(':thump\n\n');
        });
        response.on('close', () => {
          stopBeating();
          live.close();
          release();
          open.delete(end);
        });
      },
    );
  }
}
