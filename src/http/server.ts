import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Ajv from 'ajv';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import helmet from 'helmet';
import { RateLimited } from '../domain/errors.js';
import type { TimelineFeed } from '../ports/timeline-feed.js';
import type { Api, HttpServices, Site } from './api.js';
import { authenticateRequests, viewerOf } from './auth.js';
import { toHttpError } from './errors.js';
import { lazySchemas } from './lazy-schemas.js';
import { createStreaming, type Streaming, type StreamingSettings } from './live/streaming.js';
import { openStreams } from './open-streams.js';
import { registerOpenApi } from './openapi.js';
import { registerParameterFolding } from './params.js';
import { type RateLimitSettings, registerRateLimits, tokenGuard } from './rate-limits.js';
import { accountRoutes } from './routes/accounts.js';
import { appRoutes } from './routes/apps.js';
import { clientStubRoutes } from './routes/client-stubs.js';
import { editRoutes } from './routes/edits.js';
import { fileRoutes } from './routes/files.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { instanceRoutes } from './routes/instance.js';
import { mediaRoutes } from './routes/media.js';
import { groupedNotificationRoutes, notificationRoutes } from './routes/notifications.js';
import { oauthRoutes } from './routes/oauth.js';
import { profileRoutes } from './routes/profile.js';
import { searchRoutes } from './routes/search.js';
import { statusRoutes } from './routes/statuses.js';
import { requestForLogs, streamingRoutes } from './routes/streaming.js';
import { suggestionRoutes } from './routes/suggestions.js';
import { timelineRoutes } from './routes/timelines.js';
import { websocketRoutes } from './routes/websocket.js';
import { registerWebClient } from './web.js';

export interface HttpOptions {
  services: HttpServices;
  readiness: ReadinessCheck[];
  logger: FastifyBaseLogger | boolean;
  /** Largest accepted request body. */
  bodyLimit?: number;
  /** Prometheus text for `/metrics`. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Told of every finished request, by route template. */
  observeRequest?: (request: { route: string; method: string; status: number; seconds: number }) => void;
  /** Budgets per IP and account; none when absent. */
  rateLimits?: RateLimitSettings | undefined;
  /** Only `/healthz`, `/readyz` and `/metrics` (a fanout process's own port, or an api process's metrics port). */
  operationsOnly?: boolean;
  /** Whether `/readyz` and `/metrics` are served here too (default); not when they have a port of their own. */
  operations?: boolean;
  /** Live home-timeline changes for the streaming API; the routes exist only with one. */
  feed?: TimelineFeed | undefined;
  /** The origin clients reach the server at; unset, each request's own (protocol and Host, through trusted proxies). */
  publicUrl?: string | undefined;
  /** Streams one account may hold open here. */
  streamsPerAccount?: number;
  /** Heartbeats, the unread bound and anonymous public streams. */
  streaming?: StreamingSettings | undefined;
  /** Whose X-Forwarded-* headers to believe: off, a hop count, or proxy addresses. */
  trustProxy?: boolean | number | string[];
}

/** A client's request id is kept if it is short and plain; otherwise one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Parameters are checked leniently about types, as Mastodon's are: a form sends everything as text, and clients send
 * a single value where a list is allowed. Values that make no sense for their field are still refused.
 */
const ajv = new Ajv.default({
  removeAdditional: false,
  coerceTypes: 'array',
  useDefaults: true,
  strict: false,
});

/** Where Mastodon's CORS applies: the API, OAuth's token endpoints, and the documents clients read first. */
/** Characters past which an answer is sent as bytes (see the onSend hook). */
const LARGE_ANSWER = 8 * 1024;
const CROSS_ORIGIN = /^\/(?:api\/|oauth\/(?:token|revoke)(?:$|\?)|\.well-known\/|nodeinfo\/)/;

export type { Api, HttpServices };

declare module 'fastify' {
  interface FastifyInstance {
    /** The live streams of this server (when it has a feed): their counts and events, for metrics and tests. */
    streaming: Streaming | undefined;
    /** Compiles every route schema not compiled yet (each compiles on its first use): tests find one that cannot. */
    compileSchemas(): void;
  }
}

function errorBody(error: unknown) {
  const mapped = toHttpError(error);
  return { mapped, body: { error: mapped.message, code: mapped.code } };
}

export function createHttpServer(options: HttpOptions): Api {
  const { services, readiness, logger, bodyLimit = 64 * 1024, metrics, observeRequest } = options;
  const schemas = lazySchemas(ajv);
  const app = Fastify({
    // Every log line of a request carries its id, and the response echoes it for support.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    // Errors Fastify raises before routing (a malformed URL or content type) get the same shape as every other.
    frameworkErrors: (error, _request, reply) => {
      const { mapped, body } = errorBody(error);
      void (reply as unknown as FastifyReply)
        .code(mapped.status)
        .type('application/json')
        .send(JSON.stringify(body));
    },
    loggerInstance: typeof logger === 'boolean' ? undefined : logger,
    logger: typeof logger === 'boolean' ? logger : undefined,
    // Streaming accepts `?access_token=` (a browser EventSource cannot send headers): never log it.
    childLoggerFactory: (parent, bindings, childOptions) =>
      parent.child(bindings, {
        ...childOptions,
        serializers: { ...childOptions.serializers, req: requestForLogs },
      }),
    bodyLimit,
    requestTimeout: 30_000,
    schemaController: { compilersFactory: { buildSerializer: schemas.buildSerializer } },
    // Behind a load balancer every socket is the balancer's: rate limits and logs need the client's address instead.
    // A hop count trusts that many proxies nearest the server (Fastify's types take it as a function).
    trustProxy:
      typeof options.trustProxy === 'number'
        ? (
            (hops) => (_address: string, hop: number) =>
              hop < hops
          )(options.trustProxy)
        : (options.trustProxy ?? false),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (observeRequest) {
    app.addHook('onResponse', async (request, reply) => {
      observeRequest({
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        status: reply.statusCode,
        seconds: reply.elapsedTime / 1_000,
      });
    });
  }

  // A large answer is encoded once, here: a string would be measured (its UTF-8 length, for Content-Length) and then
  // encoded again by the socket — the measuring alone was 6% of a profile of home reads at full speed.
  app.addHook('onSend', (_request, _reply, payload, done) => {
    done(null, typeof payload === 'string' && payload.length > LARGE_ANSWER ? Buffer.from(payload) : payload);
  });

  app.setValidatorCompiler(schemas.validatorCompiler);
  app.decorate('compileSchemas', schemas.compileAll);

  app.setErrorHandler((error, request, reply) => {
    const { mapped, body } = errorBody(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    if (error instanceof RateLimited) reply.header('retry-after', error.retryAfterSeconds);
    return reply.status(mapped.status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: `no route for ${request.method} ${request.url.split('?')[0]}`, code: 'not_found' }),
  );

  const operations = options.operations ?? true;
  healthRoutes(app, operations ? readiness : undefined);
  if (metrics && operations) {
    app.get('/metrics', async (_request, reply) => {
      const { contentType, body } = await metrics();
      return reply.type(contentType).send(body);
    });
  }
  if (options.operationsOnly) return app;

  // Some clients send `Content-Type: application/json` with no body at all (on POSTs without parameters).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const raw = typeof text === 'string' ? text : text.toString('utf8');
    if (raw.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(raw));
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  app.register(formbody);
  app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fields: 100, fieldSize: 64 * 1024 } });
  registerParameterFolding(app);

  // The two answers, made once: the delegator runs on every request.
  const crossOrigin = {
    origin: '*',
    methods: CROSS_ORIGIN_METHODS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 86_400,
  };
  const sameOrigin = { origin: false };
  app.register(cors, {
    delegator: (request, callback) =>
      callback(null, CROSS_ORIGIN.test(request.url ?? '') ? crossOrigin : sameOrigin),
  });

  // The security headers, built once: the API serves JSON and the web client's own files; nothing is ever framed or
  // loaded from elsewhere. Starling listens on plain HTTP (TLS belongs to the proxy in front), so it neither upgrades
  // requests nor sends HSTS. (Fastify's helmet plugin rebuilt this middleware on every request: a CPU profile of
  // warm reads showed it.)
  const secure = helmet({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: null },
    },
    strictTransportSecurity: false,
    // Clients on other origins (Elk, Phanpy) load avatars and read the API.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  app.addHook('onRequest', (request, reply, done) => {
    secure(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });

  const site: Site = {
    presentation: (request: FastifyRequest) => ({
      origin: options.publicUrl ?? `${request.protocol}://${request.host}`,
    }),
  };
  const context = { ...services, ...site };

  registerOpenApi(app);
  app.decorate('tokenGuard', null);
  const streaming = options.feed
    ? createStreaming({
        feed: options.feed,
        accounts: services.accounts,
        tweets: services.tweets,
        notifications: services.notifications,
        streams: openStreams(services.accounts, options.streamsPerAccount ?? 16),
        settings: options.streaming,
        onError: (error) => app.log.warn({ err: error }, 'live stream error'),
      })
    : undefined;
  app.decorate('streaming', streaming);
  if (streaming) {
    // Upgrades go through the routes and their hooks like any request (authentication, rate limits), and a browser
    // that sent its token as the subprotocol gets it back, or it refuses the connection.
    app.register(websocket, {
      options: {
        maxPayload: 16 * 1024,
        handleProtocols: (protocols: Set<string>) => protocols.values().next().value ?? false,
      },
    });
  }
  app.register(async (root) => {
    if (options.rateLimits) {
      // Bearer tokens only: OAuth's token endpoint takes client credentials in the Authorization header.
      await registerRateLimits(root, options.rateLimits, (request) =>
        request.url.startsWith('/api/') ? viewerOf(request, services.accounts) : Promise.resolve(null),
      );
      root.tokenGuard = tokenGuard(root, options.rateLimits);
    }
    // In a context of its own: OAuth's error shape must not become the API's.
    root.register(async (oauth) => oauthRoutes(oauth, context));
    root.register(async (api) => {
      authenticateRequests(api, services.accounts);
      instanceRoutes(api, context);
      mediaRoutes(api, context);
      api.register(
        async (v1) => {
          appRoutes(v1, context);
          accountRoutes(v1, context);
          profileRoutes(v1, context);
          statusRoutes(v1, context);
          editRoutes(v1, context);
          timelineRoutes(v1, context);
          notificationRoutes(v1, context);
          clientStubRoutes(v1, context);
          if (streaming) {
            streamingRoutes(v1, context, streaming);
            websocketRoutes(v1, context, streaming);
          }
        },
        { prefix: '/api/v1' },
      );
      api.register(
        async (v2) => {
          searchRoutes(v2, context);
          suggestionRoutes(v2, context);
          groupedNotificationRoutes(v2, context);
        },
        { prefix: '/api/v2' },
      );
    });
  });
  // Outside the rate limits (a timeline page shows dozens of images) and outside the API's authentication.
  fileRoutes(app, context);
  registerWebClient(app);
  return app;
}

const CROSS_ORIGIN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** What a browser client on another origin may read of a response: paging and rate limits. */
const EXPOSED_HEADERS = [
  'Link',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
  'X-Request-Id',
];
