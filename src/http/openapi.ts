import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Api } from './api.js';

/**
 * The OpenAPI 3 document, generated from the route schemas (so it cannot drift from what the server checks), at
 * `/api/v1/openapi.json`, and a browsable page at `/api/v1/docs`.
 */
export function registerOpenApi(app: Api) {
  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Starling API',
        version: '1.0.0',
        description:
          'Microblogging timelines through the Mastodon client API. Ids are 64-bit Snowflakes sent as decimal ' +
          'strings; lists page by `limit`, `max_id`, `since_id` and `min_id`, and the `Link` header names the next ' +
          'and previous pages; errors are `{"error": "<message>", "code": "<stable code>"}`.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An OAuth access token from /oauth/token' },
        },
      },
    },
    hideUntagged: false,
  });
  // Routes that can answer 401 take a bearer token; each route is filed under its resource.
  app.addHook('onRoute', (route) => {
    const schema = route.schema;
    if (!schema || !/^\/api\/v[12]\//.test(route.url)) return;
    const responses = (schema.response ?? {}) as Record<string, unknown>;
    if ('401' in responses) schema.security = [{ bearer: [] }];
    schema.tags ??= [route.url.split('/')[3] ?? 'api'];
  });
  // The server's own security headers already cover these pages (scripts only from here, inline styles allowed, as
  // Swagger UI sets some); a second, stricter policy of the plugin's blocked those styles. The validator badge would
  // load an image from elsewhere: off.
  app.register(swaggerUi, {
    routePrefix: '/api/v1/docs',
    staticCSP: false,
    uiConfig: { validatorUrl: null },
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
