import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../domain/errors.js';
import { MEDIA_KEY } from '../../domain/media.js';
import type { Api, HttpContext } from '../api.js';

/** A key names one version of one image for good: browsers and CDNs may keep it a year without asking again. */
const FOREVER = 'public, max-age=31536000, immutable';

/**
 * `GET /media/<key>`: the stored image files (attachments, previews, avatars, headers). Served as the type Starling's
 * encoder gave them, never sniffed (`nosniff`), never run as a page (a CSP that allows nothing and sandboxes it), and
 * outside the API's rate limits: a timeline page shows dozens.
 */
export function fileRoutes(app: Api, { media }: Pick<HttpContext, 'media'>) {
  app.get(
    '/media/*',
    { schema: { hide: true } },
    async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
      const key = request.params['*'];
      const file = MEDIA_KEY.test(key) ? await media.file(key) : null;
      if (!file) throw notFound('file');
      return reply
        .header('content-type', file.contentType)
        .header('cache-control', FOREVER)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', 'inline')
        .send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
    },
  );
}
