import { Type } from 'typebox';
import type { Api, HttpContext } from '../api.js';
import { requireViewer } from '../auth.js';
import { AccountSchema, presentAccount } from '../presenters/account.js';
import { errors, oneOf } from '../schemas.js';

const Suggestion = Type.Object({
  source: oneOf(['past_interactions', 'global'], { description: "Mastodon's older, single reason" }),
  sources: Type.Array(oneOf(['friends_of_friends', 'most_followed'])),
  account: AccountSchema,
});

/**
 * `GET /api/v2/suggestions`: accounts to follow, from the follow graph — those the accounts you follow follow most,
 * then the most followed — never yourself or someone you follow. The shape is Mastodon's.
 */
export function suggestionRoutes(
  app: Api,
  { accounts, follows, presentation }: Pick<HttpContext, 'accounts' | 'follows' | 'presentation'>,
) {
  app.get(
    '/suggestions',
    {
      schema: {
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: Type.Array(Suggestion), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const viewer = await requireViewer(request, accounts, 'read:accounts');
      const limit = Math.min(request.query.limit ?? 40, 80);
      const p = presentation(request);
      return (await follows.suggestions(viewer, limit)).map(({ account, reason }) => ({
        source: reason === 'friends_of_friends' ? ('past_interactions' as const) : ('global' as const),
        sources: [reason],
        account: presentAccount(account, p),
      }));
    },
  );
}
