import type { FastifyRequest } from 'fastify';
import { notFound, notSupported } from '../../domain/errors.js';
import type { RequiredScope } from '../../domain/scopes.js';
import type { Api, HttpContext } from '../api.js';
import { requireViewer } from '../auth.js';

/**
 * What clients ask for at start-up that Starling does not have (yet), answered truthfully: an empty list where there
 * is nothing (Starling has no lists, filters, bookmarks, blocks or mutes, so none exist), the defaults where a client
 * reads settings, and 422 for a write of something Starling does not do. Never a 404 that breaks a client's start.
 */
const EMPTY_LISTS: [path: string, scope: RequiredScope | null][] = [
  ['/lists', 'read:lists'],
  ['/filters', 'read:filters'],
  ['/followed_tags', 'read:follows'],
  ['/bookmarks', 'read:bookmarks'],
  ['/blocks', 'read:blocks'],
  ['/mutes', 'read:mutes'],
  ['/domain_blocks', 'read:blocks'],
  ['/follow_requests', 'read:follows'],
  ['/conversations', 'read:statuses'],
  ['/scheduled_statuses', 'read:statuses'],
  ['/featured_tags', 'read:accounts'],
  ['/endorsements', 'read:accounts'],
  ['/announcements', null],
  ['/custom_emojis', null],
  ['/trends', null],
  ['/trends/tags', null],
  ['/trends/statuses', null],
  ['/trends/links', null],
  ['/instance/peers', null],
  ['/instance/activity', null],
  ['/instance/rules', null],
  ['/directory', null],
];

export function clientStubRoutes(app: Api, { accounts }: Pick<HttpContext, 'accounts'>) {
  const check = async (request: FastifyRequest, scope: RequiredScope | null) => {
    if (scope !== null) await requireViewer(request, accounts, scope);
  };
  for (const [path, scope] of EMPTY_LISTS) {
    app.get(path, { schema: { hide: true } }, async (request) => {
      await check(request, scope);
      return [];
    });
  }

  app.get('/v2/filters', { schema: { hide: true } }, async (request) => {
    await check(request, 'read:filters');
    return [];
  });

  app.get('/preferences', { schema: { hide: true } }, async (request) => {
    await check(request, 'read:accounts');
    return {
      'posting:default:visibility': 'public',
      'posting:default:sensitive': false,
      'posting:default:language': null,
      'reading:expand:media': 'default',
      'reading:expand:spoilers': false,
    };
  });

  app.get('/instance/extended_description', { schema: { hide: true } }, async () => ({
    updated_at: new Date(0).toISOString(),
    content: '',
  }));

  app.get('/push/subscription', { schema: { hide: true } }, async (request) => {
    await check(request, 'push');
    throw notFound('push subscription');
  });

  const unsupported: [method: 'POST' | 'PUT' | 'DELETE', path: string, what: string][] = [
    ['POST', '/lists', 'lists'],
    ['POST', '/filters', 'filters'],
    ['POST', '/v2/filters', 'filters'],
    ['POST', '/push/subscription', 'web push'],
    ['PUT', '/push/subscription', 'web push'],
    ['POST', '/accounts/:id/block', 'blocking'],
    ['POST', '/accounts/:id/unblock', 'blocking'],
    ['POST', '/accounts/:id/mute', 'muting'],
    ['POST', '/accounts/:id/unmute', 'muting'],
    ['POST', '/accounts/:id/pin', 'endorsements'],
    ['POST', '/accounts/:id/unpin', 'endorsements'],
    ['POST', '/accounts/:id/note', 'private notes'],
    ['POST', '/reports', 'reports'],
    ['POST', '/tags/:id/follow', 'following hashtags'],
  ];
  for (const [method, path, what] of unsupported) {
    app.route({
      method,
      url: path,
      schema: { hide: true },
      handler: async (request) => {
        await requireViewer(request, accounts);
        throw notSupported(`${what} ${what.endsWith('s') ? 'are' : 'is'} not supported yet`);
      },
    });
  }
}
