import type { Socket } from 'node:net';
import type {} from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { WebSocket } from 'ws';
import { unauthorized } from '../../domain/errors.js';
import type { Session } from '../../domain/model.js';
import type { Api, HttpContext } from '../api.js';
import type { StreamSink } from '../live/live-stream.js';
import { isRefusal, parseStream, type StreamRefusal, type StreamSpec } from '../live/stream-names.js';
import type { Streaming } from '../live/streaming.js';
import { errors } from '../schemas.js';
import { TOKEN_PATTERN } from './streaming.js';

/** WebSocket close codes (RFC 6455 §7.4.1). */
const CLOSE = {
  /** The session was revoked. */
  policy: 1008,
  /** The client left too much unread; it may reconnect (and catch up by paging). */
  tryAgainLater: 1013,
} as const;

const TOKEN = new RegExp(TOKEN_PATTERN);

const ConnectQuery = Type.Object({
  access_token: Type.Optional(Type.String({ pattern: TOKEN_PATTERN })),
  stream: Type.Optional(Type.String()),
  tag: Type.Optional(Type.String()),
  list: Type.Optional(Type.String()),
});

interface Connection {
  session: Session | null;
  token: string | null;
  /** Ends the connection when its session is revoked: the socket's, once there is one. */
  revoked: () => void;
  release: () => void;
}

/**
 * The token a browser puts in `Sec-WebSocket-Protocol` (it cannot set headers): the first protocol offered, when it
 * has a token's shape. The server echoes it back, or the browser refuses the connection.
 */
function protocolToken(request: FastifyRequest): string | null {
  const header = request.headers['sec-websocket-protocol'];
  const first = typeof header === 'string' ? header.split(',')[0]?.trim() : undefined;
  return first && TOKEN.test(first) ? first : null;
}

/** A client's message: a subscription to add or remove, as `{"type":"subscribe","stream":"hashtag","tag":"x"}`. */
function parseMessage(
  raw: string,
): { type: 'subscribe' | 'unsubscribe'; spec: StreamSpec | StreamRefusal } | null {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const { type, stream, tag, list } = message as Record<string, unknown>;
  if (type !== 'subscribe' && type !== 'unsubscribe') return null;
  return { type, spec: parseStream(stream, { tag, list }) };
}

/**
 * `GET /streaming` as a WebSocket, as Mastodon serves it: the token as `access_token`, an Authorization header or the
 * subprotocol; a first stream from `?stream=`; then `{"type":"subscribe"|"unsubscribe","stream":…}` messages, and
 * frames `{"stream":[…],"event":…,"payload":…}` on one socket. Pinged every heartbeat: a client that has not answered
 * the last ping is cut off.
 */
export function websocketRoutes(
  app: Api,
  { presentation }: Pick<HttpContext, 'presentation'>,
  streaming: Streaming,
) {
  const connections = new WeakMap<FastifyRequest, Connection>();

  app.route({
    method: 'GET',
    url: '/streaming',
    schema: { hide: true, querystring: ConnectQuery, response: errors(400, 401, 429) },
    // Refused before the upgrade, as HTTP: a token that does not work (401), or an account over its streams (429).
    preHandler: async (request) => {
      if (!request.ws) return;
      const token = request.query.access_token ?? protocolToken(request);
      const session = await streaming.sessionOf(request, token);
      if (session?.accountId == null && !streaming.settings.anonymousPublicStreams) {
        throw unauthorized('This method requires an authenticated user');
      }
      const socket: Socket = request.raw.socket;
      const connection: Connection = {
        session,
        token,
        revoked: () => socket.destroy(),
        release: () => undefined,
      };
      connection.release = streaming.streams.open(session?.accountId ?? request.ip, token, () =>
        connection.revoked(),
      );
      // However the connection ends, even before it is upgraded, its place is given back.
      socket.once('close', connection.release);
      connections.set(request, connection);
    },
    handler: async (_request, reply) =>
      reply.code(400).send({ error: 'This endpoint expects a WebSocket upgrade', code: 'validation_failed' }),
    wsHandler: (socket: WebSocket, request) => {
      const connection = connections.get(request);
      if (!connection) return socket.close(CLOSE.policy);
      const { session } = connection;
      connection.revoked = () => socket.close(CLOSE.policy, 'session revoked');
      const sink: StreamSink = {
        send: (stream, event, payload) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ stream, event, payload }));
        },
        buffered: () => socket.bufferedAmount,
        fellBehind: () => socket.close(CLOSE.tryAgainLater, 'the client reads too slowly'),
      };
      const live = streaming.open(session, presentation(request), sink);
      const tell = (refusal: StreamRefusal) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(refusal));
      };
      const subscribe = (spec: StreamSpec | StreamRefusal) => {
        if (isRefusal(spec)) return tell(spec);
        const refusal = streaming.refusal(spec, session);
        if (refusal) return tell(refusal);
        live.subscribe(spec).then(
          (done) => {
            if (!done) tell({ error: 'Too many subscriptions on one connection', status: 400 });
          },
          () => tell({ error: 'The stream is unavailable; try again', status: 503 }),
        );
      };

      let alive = true;
      socket.on('pong', () => {
        alive = true;
      });
      const stopBeating = streaming.heartbeat.add(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        const message = parseMessage(data.toString());
        if (!message) return;
        if (message.type === 'subscribe') subscribe(message.spec);
        else if (!isRefusal(message.spec)) live.unsubscribe(message.spec);
      });
      socket.on('close', () => {
        stopBeating();
        live.close();
        connection.release();
      });

      const { stream, tag, list } = request.query;
      if (stream !== undefined) subscribe(parseStream(stream, { tag, list }));
    },
  });
}
