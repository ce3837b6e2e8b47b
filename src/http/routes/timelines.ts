import { clampLimit, decodeCursor } from '../../domain/cursor.js';
import { parseId } from '../../domain/ids.js';
import type { Api, HttpServices } from '../api.js';
import { requireViewer } from '../auth.js';
import { tweetPageJson } from '../present.js';
import { errors, TimelineQuery, TweetPage } from '../schemas.js';

export function timelineRoutes(app: Api, { accounts, timelines }: HttpServices) {
  app.get(
    '/timelines/home',
    { schema: { querystring: TimelineQuery, response: { 200: TweetPage, ...errors(400, 401) } } },
    async (request) => {
      const reader = await requireViewer(request, accounts);
      const { limit, cursor, since_id } = request.query;
      return tweetPageJson(
        await timelines.home(reader, {
          limit: clampLimit(limit),
          before: cursor === undefined ? undefined : decodeCursor(cursor),
          after: since_id === undefined ? undefined : parseId(since_id, 'since_id'),
        }),
      );
    },
  );
}
