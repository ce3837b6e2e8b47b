import { Type } from 'typebox';
import { AppError, validationFailed } from '../../domain/errors.js';
import type { Api, HttpContext } from '../api.js';
import { viewerOf } from '../auth.js';
import { Flag } from '../params.js';
import { AccountSchema, presentAccount } from '../presenters/account.js';
import { presentStatus, StatusSchema } from '../presenters/status.js';
import { errors } from '../schemas.js';

const SearchQuery = Type.Object({
  q: Type.String({
    maxLength: 1_024,
    description:
      'statuses: words, "quoted phrases", #hashtags and @handles, all required; accounts: a handle prefix or ' +
      'words of a display name; hashtags: the start of a tag',
  }),
  type: Type.Optional(
    Type.Union([Type.Literal('accounts'), Type.Literal('statuses'), Type.Literal('hashtags')]),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  resolve: Type.Optional(Flag),
  following: Type.Optional(Flag),
  exclude_unreviewed: Type.Optional(Flag),
  account_id: Type.Optional(Type.String({ maxLength: 20 })),
  max_id: Type.Optional(Type.String({ maxLength: 20 })),
  min_id: Type.Optional(Type.String({ maxLength: 20 })),
});

const TagSchema = Type.Object({
  name: Type.String(),
  url: Type.String(),
  history: Type.Array(Type.Object({ day: Type.String(), uses: Type.String(), accounts: Type.String() })),
  following: Type.Boolean(),
});

const Results = Type.Object({
  accounts: Type.Array(AccountSchema),
  statuses: Type.Array(StatusSchema),
  hashtags: Type.Array(TagSchema),
});

const KINDS = ['accounts', 'statuses', 'hashtags'] as const;
type Kind = (typeof KINDS)[number];

/**
 * `GET /api/v2/search`: accounts, statuses and hashtags at once, or one kind (`type`), paged by `offset`. A query
 * that makes sense for some kinds only finds nothing of the others; one that makes sense for none is a 400.
 */
export function searchRoutes(
  app: Api,
  { accounts, search, presentation }: Pick<HttpContext, 'accounts' | 'search' | 'presentation'>,
) {
  app.get(
    '/search',
    { schema: { querystring: SearchQuery, response: { 200: Results, ...errors(400, 401) } } },
    async (request) => {
      const { q, type, offset = 0 } = request.query;
      const limit = Math.min(request.query.limit ?? 20, 40);
      const viewer = await viewerOf(request, accounts);
      const p = presentation(request);
      const wanted: readonly Kind[] = type ? [type] : KINDS;
      const window = { limit: limit + offset };
      const run = {
        accounts: async () =>
          (await search.accounts(q, window)).items.slice(offset).map((a) => presentAccount(a, p)),
        statuses: async () =>
          (await search.tweets(q, window, viewer)).items.slice(offset).map((v) => presentStatus(v, p)),
        hashtags: async () =>
          (await search.hashtags(q, limit, offset)).map((name) => ({
            name,
            url: `${p.origin}/tags/${encodeURIComponent(name)}`,
            history: [],
            following: false,
          })),
      };
      // A kind the query makes no sense for finds nothing; a query that makes sense for no kind is refused.
      let refusal: AppError | undefined;
      const attempt = async <T>(kind: Kind, work: () => Promise<T[]>): Promise<T[] | null> => {
        if (!wanted.includes(kind)) return [];
        try {
          return await work();
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
          refusal = error;
          return null;
        }
      };
      const [found, statuses, hashtags] = await Promise.all([
        attempt('accounts', run.accounts),
        attempt('statuses', run.statuses),
        attempt('hashtags', run.hashtags),
      ]);
      const answered = [found, statuses, hashtags].filter((_, i) => wanted.includes(KINDS[i] as Kind));
      if (answered.every((list) => list === null)) {
        throw refusal ?? validationFailed('q has nothing to search for');
      }
      return { accounts: found ?? [], statuses: statuses ?? [], hashtags: hashtags ?? [] };
    },
  );
}
