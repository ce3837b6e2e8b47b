import { Type } from 'typebox';
import type { Api, HttpContext } from '../api.js';
import { presentInstanceV1, presentInstanceV2, presentNodeInfo } from '../presenters/instance.js';
import { errors } from '../schemas.js';

/**
 * What the server says about itself: the instance (v2 first, v1 for older clients), and NodeInfo, which tells other
 * software what it speaks. Public, like Mastodon's.
 */
export function instanceRoutes(
  app: Api,
  { instance, presentation }: Pick<HttpContext, 'instance' | 'presentation'>,
) {
  // Documented, not filtered: the presenters are the shape (and any token sent must still be valid: 401).
  const document = (description: string) => ({
    response: { 200: Type.Object({}, { additionalProperties: true, description }), ...errors(401) },
  });
  app.get('/api/v2/instance', { schema: document('the Instance entity') }, async (request) =>
    presentInstanceV2(await instance.facts(), presentation(request)),
  );
  app.get('/api/v1/instance', { schema: document('the V1::Instance entity') }, async (request) =>
    presentInstanceV1(await instance.facts(), presentation(request)),
  );

  app.get(
    '/.well-known/nodeinfo',
    {
      schema: {
        tags: ['instance'],
        summary: 'Where the NodeInfo document is',
        ...document('the NodeInfo links'),
      },
    },
    async (request) => ({
      links: [
        {
          rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0',
          href: `${presentation(request).origin}/nodeinfo/2.0`,
        },
      ],
    }),
  );
  app.get(
    '/nodeinfo/2.0',
    {
      schema: {
        tags: ['instance'],
        summary: 'NodeInfo 2.0: software, usage, upstream Mastodon',
        ...document('NodeInfo 2.0'),
      },
    },
    async () => presentNodeInfo(await instance.facts()),
  );
}
