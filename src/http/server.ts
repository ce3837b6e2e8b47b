import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Ajv from 'ajv';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Api, HttpServices } from './api.js';
import { authenticateRequests } from './auth.js';
import { toHttpError } from './errors.js';
import { accountRoutes } from './routes/accounts.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { sessionRoutes } from './routes/sessions.js';
import { timelineRoutes } from './routes/timelines.js';
import { tweetRoutes } from './routes/tweets.js';

export interface HttpOptions {
  services: HttpServices;
  readiness: ReadinessCheck[];
  logger: FastifyBaseLogger | boolean;
  /** Largest accepted request body. */
  bodyLimit?: number;
}

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

export function createHttpServer({ services, readiness, logger, bodyLimit = 64 * 1024 }: HttpOptions): Api {
  const app = Fastify({
    loggerInstance: typeof logger === 'boolean' ? undefined : logger,
    logger: typeof logger === 'boolean' ? logger : undefined,
    bodyLimit,
    requestTimeout: 30_000,
    ajv: undefined,
  }).withTypeProvider<TypeBoxTypeProvider>();

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

  healthRoutes(app, readiness);
  app.register(
    async (api) => {
      authenticateRequests(api, services.accounts);
      accountRoutes(api, services);
      sessionRoutes(api, services);
      tweetRoutes(api, services);
      timelineRoutes(api, services);
    },
    { prefix: '/api/v1' },
  );
  return app;
}
