import { type AccountJson, PAGE_SIZE, request } from '../api.js';
import { avatar, h, handlePath, link } from '../dom.js';
import { count } from '../time.js';
import { PagedList, type PageOf } from './paged-list.js';

export function accountRow(account: AccountJson): HTMLElement {
  return h(
    'div',
    { class: 'account-row' },
    avatar(account),
    link(handlePath(account.acct), { class: 'name' }, account.display_name || account.username),
    h('span', { class: 'handle' }, `@${account.acct}`),
    h('span', { class: 'muted' }, `${count(account.followers_count)} followers`),
  );
}

/** Accounts from any pager, each shown once. */
export function accountPager(
  load: (cursor: string | null, signal: AbortSignal) => Promise<PageOf<AccountJson>>,
  signal: AbortSignal,
  options: { empty: string; doing: string; label: string },
): PagedList<AccountJson> {
  return new PagedList<AccountJson>({
    load,
    key: (account) => account.id,
    render: accountRow,
    empty: options.empty,
    doing: options.doing,
    label: options.label,
    signal,
  });
}

/** Accounts read from a Mastodon list endpoint (followers, following) page by page, through its Link header. */
export function accountList(
  path: string,
  signal: AbortSignal,
  options: { empty: string; doing: string; label: string },
): PagedList<AccountJson> {
  return accountPager(
    async (cursor, abort) => {
      const { body, next } = await request<AccountJson[]>('GET', path, {
        query: { limit: PAGE_SIZE, max_id: cursor ?? undefined },
        signal: abort,
      });
      return { items: body, next };
    },
    signal,
    options,
  );
}
