import type { Api, HttpServices } from '../api.js';
import { requireViewer, viewerOf } from '../auth.js';
import { pageWindow } from '../paging.js';
import { accountJson, accountPageJson, tweetPageJson } from '../present.js';
import {
  Account,
  AccountPage,
  errors,
  FollowResponse,
  HandleParams,
  PageQuery,
  SessionResponse,
  SignUpBody,
  TweetPage,
} from '../schemas.js';

export function accountRoutes(app: Api, { accounts, follows, tweets }: HttpServices) {
  app.post(
    '/accounts',
    { schema: { body: SignUpBody, response: { 201: SessionResponse, ...errors(400, 409) } } },
    async (request, reply) => {
      const { handle, password, display_name } = request.body;
      const session = await accounts.signUp({ handle, password, displayName: display_name });
      return reply.status(201).send({ account: accountJson(session.account), token: session.token });
    },
  );

  app.get('/accounts/me', { schema: { response: { 200: Account, ...errors(401) } } }, async (request) =>
    accountJson(await accounts.byId(await requireViewer(request, accounts))),
  );

  app.get(
    '/accounts/:handle',
    { schema: { params: HandleParams, response: { 200: Account, ...errors(404) } } },
    async (request) => accountJson(await accounts.byHandle(request.params.handle)),
  );

  const followSchema = { params: HandleParams, response: { 200: FollowResponse, ...errors(400, 401, 404) } };
  app.put('/accounts/:handle/follow', { schema: followSchema }, async (request) => {
    await follows.follow(await requireViewer(request, accounts), request.params.handle);
    return { following: true };
  });
  app.delete('/accounts/:handle/follow', { schema: followSchema }, async (request) => {
    await follows.unfollow(await requireViewer(request, accounts), request.params.handle);
    return { following: false };
  });

  const listSchema = {
    params: HandleParams,
    querystring: PageQuery,
    response: { 200: AccountPage, ...errors(400, 404) },
  };
  app.get('/accounts/:handle/followers', { schema: listSchema }, async (request) =>
    accountPageJson(await follows.followers(request.params.handle, pageWindow(request.query))),
  );
  app.get('/accounts/:handle/following', { schema: listSchema }, async (request) =>
    accountPageJson(await follows.following(request.params.handle, pageWindow(request.query))),
  );

  app.get(
    '/accounts/:handle/tweets',
    {
      schema: {
        params: HandleParams,
        querystring: PageQuery,
        response: { 200: TweetPage, ...errors(400, 401, 404) },
      },
    },
    async (request) =>
      tweetPageJson(
        await tweets.byAuthor(
          request.params.handle,
          pageWindow(request.query),
          await viewerOf(request, accounts),
        ),
      ),
  );
}
