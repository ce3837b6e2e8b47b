import type { Api, HttpContext } from '../api.js';
import { presentInstanceV1, presentInstanceV2, presentNodeInfo } from '../presenters/instance.js';

/**
 * What the server says about itself: the instance (v2 first, v1 for older clients), and NodeInfo, which tells other
 * software what it speaks. Public, like Mastodon's.
 */
export function instanceRoutes(app: Api, { instance, presentation }: Pick<HttpContext, 'instance' | 'presentation'>) {
  app.get('/api/v2/instance', async (request) => presentInstanceV2(await instance.facts(), presentation(request)));
  app.get('/api/v1/instance', async (request) => presentInstanceV1(await instance.facts(), presentation(request)));

  app.get('/.well-known/nodeinfo', { schema: { hide: true } }, async (request) => ({
    links: [
      {
        rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0',
        href: `${presentation(request).origin}/nodeinfo/2.0`,
      },
    ],
  }));
  app.get('/nodeinfo/2.0', { schema: { hide: true } }, async () => presentNodeInfo(await instance.facts()));
}
