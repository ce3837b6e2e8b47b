import { accountList } from '../components/account-row.js';
import { tweetList } from '../components/tweet-list.js';
import { h, link } from '../dom.js';
import { navigate, type ViewContext } from '../router.js';

const searchPath = (q: string, type: 'tweets' | 'accounts') =>
  `/search?q=${encodeURIComponent(q)}${type === 'accounts' ? '&type=accounts' : ''}`;

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
      ? tweetList('/search/tweets', signal, {
          query: { q },
          empty: 'No posts match.',
          doing: 'search posts',
          label: 'Matching posts',
        })
      : accountList('/search/accounts', signal, {
          query: { q },
          empty: 'No one matches.',
          doing: 'search people',
          label: 'Matching people',
        });
  root.append(tabs, list.element);
  list.start();
}
