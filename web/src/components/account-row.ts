import { type AccountJson, type AccountPage, call, PAGE_SIZE } from '../api.js';
import { h, handlePath, link } from '../dom.js';
import { count } from '../time.js';
import { PagedList } from './paged-list.js';

export function accountRow(account: AccountJson): HTMLElement {
  return h(
    'div',
    { class: 'account-row' },
    link(handlePath(account.handle), { class: 'name' }, account.display_name || account.handle),
    h('span', { class: 'handle' }, `@${account.handle}`),
    h('span', { class: 'muted' }, `${count(account.followers_count)} followers`),
  );
}

/** Accounts read from `path` page by page (followers, following, search). */
export function accountList(
  path: string,
  signal: AbortSignal,
  options: { empty: string; doing: string; label: string; query?: Record<string, string> },
): PagedList<AccountJson> {
  return new PagedList<AccountJson>({
    load: async (cursor, abort) => {
      const page = await call<AccountPage>('GET', path, {
        query: { ...options.query, limit: PAGE_SIZE, cursor: cursor ?? undefined },
        signal: abort,
      });
      return { items: page.accounts, next: page.next_cursor };
    },
    key: (account) => account.id,
    render: accountRow,
    empty: options.empty,
    doing: options.doing,
    label: options.label,
    signal,
  });
}
