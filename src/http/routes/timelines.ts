import { clampLimit, decodeCursor } from '../../domain/cursor.js';
import { parseId } from '../../domain/ids.js';
import type { IdWindow } from '../../domain/model.js';
import type { Api, HttpServices } from '../api.js';
import { requireViewer } from '../auth.js';
import { tweetPageJson } from '../present.js';
import { errors, TimelineQuery, TweetPage } from '../schemas.js';

/** A timeline's window: a page below the cursor, or (polling) only what is newer than `since_id`. */
const timelineWindow = (query: { limit?: number; cursor?: string; since_id?: string }): IdWindow => ({
  limit: clampLimit(query.limit),
  before: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
  after: query.since_id === undefined ? undefined : parseId(query.since_id, 'since_id'),
});

export function timelineRoutes(app: Api, { accounts, timelines, tweets }: HttpServices) {
  const schema = { querystring: TimelineQuery, response: { 200: TweetPage, ...errors(400, 401) } };

  app.get('/timelines/home', { schema }, async (request) =>
    tweetPageJson(
      await timelines.home(await requireViewer(request, accounts), timelineWindow(request.query)),
    ),
  );

  app.get('/timelines/mentions', { schema }, async (request) =>
    tweetPageJson(
      await tweets.mentions(await requireViewer(request, accounts), timelineWindow(request.query)),
    ),
  );
}
