import type { Api, HttpServices } from '../api.js';
import { requireViewer } from '../auth.js';
import { pageWindow } from '../paging.js';
import { tweetPageJson } from '../present.js';
import { errors, TimelineQuery, TweetPage } from '../schemas.js';

export function timelineRoutes(app: Api, { accounts, timelines, tweets }: HttpServices) {
  const schema = { querystring: TimelineQuery, response: { 200: TweetPage, ...errors(400, 401) } };

  app.get('/timelines/home', { schema }, async (request) =>
    tweetPageJson(await timelines.home(await requireViewer(request, accounts), pageWindow(request.query))),
  );

  app.get('/timelines/mentions', { schema }, async (request) =>
    tweetPageJson(await tweets.mentions(await requireViewer(request, accounts), pageWindow(request.query))),
  );
}
