import { startKept } from '../components/paged-list.js';
import { tweetList } from '../components/tweet-list.js';
import { h, link } from '../dom.js';
import type { ViewContext } from '../router.js';
import { setPageTitle } from '../title.js';

/** `/tags/:tag`: the public posts with a hashtag, newest first. */
export async function tagView(context: ViewContext) {
  const { root, params, signal } = context;
  const tag = params.tag ?? '';
  setPageTitle(`#${tag}`);
  const list = tweetList(`/api/v1/timelines/tag/${encodeURIComponent(tag)}`, signal, {
    empty: `No posts with #${tag} yet.`,
    doing: `load #${tag}`,
    label: `Posts with #${tag}`,
  });
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, `#${tag}`),
      link(`/search?q=${encodeURIComponent(`#${tag}`)}`, { class: 'muted' }, 'Search'),
    ),
    list.element,
  );
  await startKept(list, context);
}
