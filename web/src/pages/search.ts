import { PAGE_SIZE, request, type SearchResults } from '../api.js';
import { accountPager } from '../components/account-row.js';
import type { PageOf } from '../components/paged-list.js';
import { statusList } from '../components/tweet-list.js';
import { h, link } from '../dom.js';
import { navigate, type ViewContext } from '../router.js';

const searchPath = (q: string, type: 'tweets' | 'accounts') =>
  `/search?q=${encodeURIComponent(q)}${type === 'accounts' ? '&type=accounts' : ''}`;

/** One page of `GET /api/v2/search` of one kind, paged by offset (the cursor is the next offset). */
export async function searchPage<T>(
  type: 'statuses' | 'accounts',
  q: string,
  cursor: string | null,
  signal: AbortSignal,
): Promise<PageOf<T>> {
  const offset = Number(cursor ?? 0);
  const { body } = await request<SearchResults>('GET', '/api/v2/search', {
    query: { q, type, limit: PAGE_SIZE, offset },
    signal,
  });
  const items = body[type] as T[];
  return { items, next: items.length < PAGE_SIZE ? null : String(offset + items.length) };
}

/** `/search?q=…[&type=accounts]`: posts (words, #hashtags, @handles, "phrases") or people. */
export function searchView({ root, query, signal }: ViewContext) {
  const q = query.get('q')?.trim() ?? '';
  const type = query.get('type') === 'accounts' ? 'accounts' : 'tweets';
  const input = h('input', {
    attrs: {
      type: 'search',
      name: 'q',
      'aria-label': 'Search',
      placeholder: 'Search posts or people',
      value: q,
    },
  });
  const form = h(
    'form',
    {
      class: 'search-form',
      attrs: { role: 'search' },
      on: {
        submit: (event) => {
          event.preventDefault();
          if (input.value.trim()) navigate(searchPath(input.value.trim(), type));
        },
      },
    },
    input,
    h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Search'),
  );
  root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Search')), form);
  if (!q) {
    input.focus();
    return;
  }
  const tabs = h(
    'nav',
    { class: 'tabs', attrs: { 'aria-label': 'Search results' } },
    link(searchPath(q, 'tweets'), { class: type === 'tweets' ? 'tab active' : 'tab' }, 'Posts'),
    link(searchPath(q, 'accounts'), { class: type === 'accounts' ? 'tab active' : 'tab' }, 'People'),
  );
  const list =
    type === 'tweets'
      ? statusList((cursor, abort) => searchPage('statuses', q, cursor, abort), signal, {
          empty: 'No posts match.',
          doing: 'search posts',
          label: 'Matching posts',
        })
      : accountPager((cursor, abort) => searchPage('accounts', q, cursor, abort), signal, {
          empty: 'No one matches.',
          doing: 'search people',
          label: 'Matching people',
        });
  root.append(tabs, list.element);
  list.start();
}
