import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Ajv from 'ajv';
import Fastify, { type FastifyBaseLogger, type FastifyReply, LogController } from 'fastify';
import helmet from 'helmet';
import type { TimelineFeed } from '../ports/timeline-feed.js';
import type { Api, HttpServices } from './api.js';
import { authenticateRequests, viewerOf } from './auth.js';
import { toHttpError } from './errors.js';
import { registerOpenApi } from './openapi.js';
import { type RateLimitSettings, registerRateLimits } from './rate-limits.js';
import { accountRoutes } from './routes/accounts.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { searchRoutes } from './routes/search.js';
import { sessionRoutes } from './routes/sessions.js';
import { requestForLogs, streamingRoutes } from './routes/streaming.js';
import { timelineRoutes } from './routes/timelines.js';
import { tweetRoutes } from './routes/tweets.js';
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
  /** Live home-timeline changes for `GET /api/v1/streaming/home`; the route exists only with one. */
  feed?: TimelineFeed | undefined;
  /** Proxies believed about the client's address (X-Forwarded-For), as Fastify's `trustProxy`; none when absent. */
  trustProxy?: string | boolean | undefined;
}

/** A client's request id is kept if it is short and plain; otherwise one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Bodies are checked as sent (no coercion: `"text": 5` is an error); query strings and paths arrive as text. */
const bodyAjv = new Ajv.default({
  removeAdditional: false,
  coerceTypes: false,
  useDefaults: true,
  strict: false,
});
const textAjv = new Ajv.default({
  removeAdditional: false,
  coerceTypes: true,
  useDefaults: true,
  strict: false,
});

export type { Api, HttpServices };

export function createHttpServer(options: HttpOptions): Api {
  const { services, readiness, logger, bodyLimit = 64 * 1024, metrics, observeRequest } = options;
  const app = Fastify({
    // Every log line of a request carries its id, and the response echoes it for support.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    // Errors Fastify raises before routing (a malformed URL or content type) get the same shape as every other.
    frameworkErrors: (error, _request, reply) => {
      const mapped = toHttpError(error);
      void (reply as unknown as FastifyReply)
        .code(mapped.status)
        .type('application/json')
        .send(JSON.stringify({ error: { code: mapped.code, message: mapped.message } }));
    },
    loggerInstance: typeof logger === 'boolean' ? undefined : logger,
    logger: typeof logger === 'boolean' ? logger : undefined,
    // The streaming route accepts `?access_token=` (a browser EventSource cannot send headers): never log it.
    childLoggerFactory: (parent, bindings, childOptions) =>
      parent.child(bindings, {
        ...childOptions,
        serializers: { ...childOptions.serializers, req: requestForLogs },
      }),
    bodyLimit,
    // Behind a load balancer every socket is the balancer's: rate limits and logs need the client's address instead.
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    requestTimeout: 30_000,
    ajv: undefined,
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

  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema),
  );

  app.setErrorHandler((error, request, reply) => {
    const mapped = toHttpError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(mapped.status).send({ error: { code: mapped.code, message: mapped.message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route for ${request.method} ${request.url}` } }),
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

  // The security headers, built once: the API serves JSON and the web client's own files; nothing is ever framed or
  // loaded from elsewhere. Starling listens on plain HTTP (TLS belongs to the proxy in front), so it neither upgrades
  // requests nor sends HSTS. (Fastify's helmet plugin rebuilt this middleware on every request: a CPU profile of
  // warm reads showed it.)
  const secure = helmet({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: null },
    },
    strictTransportSecurity: false,
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  app.addHook('onRequest', (request, reply, done) => {
    secure(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
  registerOpenApi(app);
  app.register(
    async (api) => {
      if (options.rateLimits) {
        await registerRateLimits(api, options.rateLimits, (request) => viewerOf(request, services.accounts));
      }
      authenticateRequests(api, services.accounts);
      accountRoutes(api, services);
      sessionRoutes(api, services);
      tweetRoutes(api, services);
      timelineRoutes(api, services);
      searchRoutes(api, services);
      if (options.feed) streamingRoutes(api, services, options.feed);
    },
    { prefix: '/api/v1' },
  );
  registerWebClient(app);
  return app;
}
