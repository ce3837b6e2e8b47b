import { Type } from 'typebox';
import { notFound, validationFailed } from '../../domain/errors.js';
import type { Api, HttpContext } from '../api.js';
import { requireApp, requireViewer, viewerOf } from '../auth.js';
import { PageQuery, pageWindow, STATUS_PAGE, setPageLinks } from '../paging.js';
import { Flag, IdParams, ids, isSet, List, pathId } from '../params.js';
import {
  AccountSchema,
  CredentialAccountSchema,
  presentAccount,
  presentCredentialAccount,
} from '../presenters/account.js';
import { presentToken, TokenSchema } from '../presenters/application.js';
import { presentRelationship, RelationshipSchema } from '../presenters/relationship.js';
import { presentStatus, StatusSchema } from '../presenters/status.js';
import { errors } from '../schemas.js';
import { accountListRoute } from './account-lists.js';

const Register = Type.Object({
  username: Type.String({ maxLength: 64 }),
  password: Type.String({ maxLength: 1_024 }),
  email: Type.Optional(Type.String({ maxLength: 320, description: 'kept, never shown' })),
  agreement: Type.Optional(Flag),
  locale: Type.Optional(Type.String({ maxLength: 16 })),
  reason: Type.Optional(Type.String({ maxLength: 1_000 })),
  display_name: Type.Optional(
    Type.String({ maxLength: 200, description: 'a Starling extension; default: the username' }),
  ),
});

const AccountStatusesQuery = Type.Object({
  ...PageQuery,
  exclude_replies: Type.Optional(Flag),
  exclude_reblogs: Type.Optional(Flag),
  only_media: Type.Optional(Flag),
  pinned: Type.Optional(Flag),
  tagged: Type.Optional(Type.String({ maxLength: 200 })),
});

const FollowBody = Type.Union([
  Type.Object({
    reblogs: Type.Optional(Flag),
    notify: Type.Optional(Flag),
    languages: Type.Optional(List(20)),
  }),
  Type.Null(),
]);

type Slice = Pick<HttpContext, 'accounts' | 'follows' | 'lists' | 'search' | 'oauth' | 'presentation'>;

/** Accounts: registration, the signed-in account, lookups, an account's posts, its follow lists, follow and unfollow. */
export function accountRoutes(app: Api, { accounts, follows, lists, search, oauth, presentation }: Slice) {
  app.post(
    '/accounts',
    { schema: { body: Register, response: { 200: TokenSchema, ...errors(400, 401, 403, 409, 422, 429) } } },
    async (request) => {
      const appSession = await requireApp(request, accounts, 'write:accounts');
      const { username, password, email, agreement, locale, display_name } = request.body;
      if (!isSet(agreement)) throw validationFailed('agreement must be accepted');
      const account = await accounts.signUp({
        handle: username,
        password,
        email,
        locale,
        displayName: display_name,
      });
      return presentToken(await oauth.issueFor(account.id, appSession));
    },
  );

  app.get(
    '/accounts/verify_credentials',
    { schema: { response: { 200: CredentialAccountSchema, ...errors(401, 403) } } },
    async (request) =>
      presentCredentialAccount(
        await accounts.byId(await requireViewer(request, accounts, 'profile')),
        presentation(request),
      ),
  );

  app.get(
    '/accounts/lookup',
    {
      schema: {
        querystring: Type.Object({ acct: Type.String({ maxLength: 300 }) }),
        response: { 200: AccountSchema, ...errors(404) },
      },
    },
    async (request) => {
      const { origin } = presentation(request);
      const [handle, domain] = request.query.acct.replace(/^@/, '').split('@');
      // Starling knows only its own accounts: an address on another domain names nobody here.
      if (domain !== undefined && domain.toLowerCase() !== new URL(origin).host.toLowerCase())
        throw notFound('account');
      return presentAccount(await accounts.byHandle(handle ?? ''), presentation(request));
    },
  );

  app.get(
    '/accounts/relationships',
    {
      schema: {
        querystring: Type.Object({ id: Type.Optional(List(100)), with_suspended: Type.Optional(Flag) }),
        response: { 200: Type.Array(RelationshipSchema), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'read:follows');
      return (await follows.relationships(viewer, ids(request.query.id, 'id'))).map(presentRelationship);
    },
  );

  app.get(
    '/accounts/search',
    {
      schema: {
        querystring: Type.Object({
          q: Type.String({ maxLength: 1_024 }),
          limit: Type.Optional(Type.Integer({ minimum: 1 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
          resolve: Type.Optional(Flag),
          following: Type.Optional(Flag),
        }),
        response: { 200: Type.Array(AccountSchema), ...errors(400, 401) },
      },
    },
    async (request) => {
      const limit = Math.min(request.query.limit ?? 40, 80);
      const offset = request.query.offset ?? 0;
      const page = await search.accounts(request.query.q, { limit: limit + offset });
      return page.items.slice(offset).map((a) => presentAccount(a, presentation(request)));
    },
  );

  app.get(
    '/accounts/:id',
    { schema: { params: IdParams, response: { 200: AccountSchema, ...errors(404) } } },
    async (request) => presentAccount(await accounts.byId(pathId(request, 'account')), presentation(request)),
  );

  app.get(
    '/accounts/:id/statuses',
    {
      schema: {
        params: IdParams,
        querystring: AccountStatusesQuery,
        response: { 200: Type.Array(StatusSchema), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const id = pathId(request, 'account');
      const q = request.query;
      // No post is pinned: that filter leaves nothing.
      if (isSet(q.pinned)) {
        await accounts.byId(id);
        return [];
      }
      const window = pageWindow(q, STATUS_PAGE);
      const viewer = await viewerOf(request, accounts);
      const filter = {
        excludeReplies: isSet(q.exclude_replies),
        excludeReblogs: isSet(q.exclude_reblogs),
        tagged: q.tagged || undefined,
        onlyMedia: isSet(q.only_media),
      };
      const page = await lists.account(id, filter, window, viewer);
      const p = presentation(request);
      setPageLinks(request, reply, p.origin, page);
      return page.items.map((view) => presentStatus(view, p));
    },
  );

  accountListRoute(app, { presentation }, '/accounts/:id/followers', 'account', follows.followers);
  accountListRoute(app, { presentation }, '/accounts/:id/following', 'account', follows.following);

  const followSchema = {
    params: IdParams,
    body: Type.Optional(FollowBody),
    response: { 200: RelationshipSchema, ...errors(400, 401, 403, 404, 429) },
  };
  app.post('/accounts/:id/follow', { schema: followSchema }, async (request) =>
    presentRelationship(
      await follows.follow(
        await requireViewer(request, accounts, 'write:follows'),
        pathId(request, 'account'),
      ),
    ),
  );
  app.post('/accounts/:id/unfollow', { schema: followSchema }, async (request) =>
    presentRelationship(
      await follows.unfollow(
        await requireViewer(request, accounts, 'write:follows'),
        pathId(request, 'account'),
      ),
    ),
  );

  // Lists of things Starling does not have yet, answered truthfully: there are none.
  for (const path of [
    '/accounts/:id/featured_tags',
    '/accounts/:id/lists',
    '/accounts/:id/identity_proofs',
  ]) {
    app.get(
      path,
      { schema: { params: IdParams, response: { 200: Type.Array(Type.Object({})), ...errors(404) } } },
      async (request) => {
        await accounts.byId(pathId(request, 'account'));
        return [];
      },
    );
  }
}
