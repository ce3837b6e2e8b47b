import { tweetList } from '../components/tweet-list.js';
import { h } from '../dom.js';
import { navigate, type ViewContext } from '../router.js';
import { currentSession } from '../session.js';

/** `/mentions`: posts that @mention the reader. */
export function mentionsView({ root, signal }: ViewContext) {
  if (!currentSession()) {
    navigate(`/login?next=${encodeURIComponent('/mentions')}`, { replace: true });
    return;
  }
  const list = tweetList('/timelines/mentions', signal, {
    empty: 'No one has mentioned you yet.',
    doing: 'load your mentions',
    label: 'Mentions',
  });
  root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Mentions')), list.element);
  list.start();
}
