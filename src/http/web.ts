import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Api } from './api.js';

/** The bundle `npm run build:web` writes; the same two levels up from src/http/ and from dist/http/. */
export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Paths that belong to the API and operations: an unknown one there is a JSON 404, never the web page. */
const NOT_THE_CLIENT =
  /^\/(?:api(?:\/|$)|oauth\/(?:token|revoke)$|\.well-known\/|nodeinfo\/|healthz$|readyz$|metrics$)/;

function wantsThePage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  return !NOT_THE_CLIENT.test(path) && (request.headers.accept ?? '').includes('text/html');
}

/**
 * Serves the web client: its files at `/`, and its page for any other GET that asks for HTML (the client routes
 * `/@handle`, `/tweets/:id` and so on itself). Everything else that matches no route keeps the JSON 404.
 */
export function registerWebClient(app: Api, root = WEB_ROOT) {
  if (!existsSync(`${root}/index.html`)) {
    app.log.warn({ root }, 'the web client is not built (npm run build:web); serving the API only');
    return;
  }
  // Only the files present at start-up get routes, so the fallback below can have the rest of the path space.
  app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'] });
  app.get('/*', { schema: { hide: true } }, (request: FastifyRequest, reply: FastifyReply) => {
    if (!wantsThePage(request)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
