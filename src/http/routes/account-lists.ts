import { Type } from 'typebox';
import type { Account, IdWindow } from '../../domain/model.js';
import type { Page } from '../../services/pages.js';
import type { Api, HttpContext } from '../api.js';
import { ACCOUNT_PAGE, PageQuery, pageWindow, setPageLinks } from '../paging.js';
import { IdParams, pathId } from '../params.js';
import { AccountSchema, presentAccount } from '../presenters/account.js';
import { errors } from '../schemas.js';

/** A list of accounts about one thing (`:id`, an account or a status), paged by its Link header. */
export function accountListRoute(
  app: Api,
  { presentation }: Pick<HttpContext, 'presentation'>,
  path: string,
  what: 'account' | 'status',
  list: (id: bigint, window: IdWindow) => Promise<Page<Account>>,
) {
  app.get(
    path,
    {
      schema: {
        params: IdParams,
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Array(AccountSchema), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const page = await list(pathId(request, what), pageWindow(request.query, ACCOUNT_PAGE));
      const p = presentation(request);
      setPageLinks(request, reply, p.origin, page);
      return page.items.map((a) => presentAccount(a, p));
    },
  );
}
