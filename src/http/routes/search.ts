import type { Api, HttpServices } from '../api.js';
import { viewerOf } from '../auth.js';
import { pageWindow } from '../paging.js';
import { accountPageJson, tweetPageJson } from '../present.js';
import { AccountPage, errors, SearchQuery, TweetPage } from '../schemas.js';

export function searchRoutes(app: Api, { accounts, search }: HttpServices) {
  app.get(
    '/search/tweets',
    { schema: { querystring: SearchQuery, response: { 200: TweetPage, ...errors(400, 401) } } },
    async (request) =>
      tweetPageJson(
        await search.tweets(request.query.q, pageWindow(request.query), await viewerOf(request, accounts)),
      ),
  );

  app.get(
    '/search/accounts',
    { schema: { querystring: SearchQuery, response: { 200: AccountPage, ...errors(400) } } },
    async (request) => accountPageJson(await search.accounts(request.query.q, pageWindow(request.query))),
  );
}
