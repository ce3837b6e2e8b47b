import type { StatusJson } from '../api.js';
import { startKept } from '../components/paged-list.js';
import { statusList } from '../components/tweet-list.js';
import { h } from '../dom.js';
import { navigate, type ViewContext } from '../router.js';
import { currentSession } from '../session.js';
import { searchPage } from './search.js';

/** `/mentions`: posts that @mention the reader (a search for their handle). */
export async function mentionsView(context: ViewContext) {
  const { root, signal } = context;
  const session = currentSession();
  if (!session) {
    navigate(`/login?next=${encodeURIComponent('/mentions')}`, { replace: true });
    return;
  }
  const q = `@${session.account.acct}`;
  const list = statusList((cursor, abort) => searchPage<StatusJson>('statuses', q, cursor, abort), signal, {
    empty: 'No one has mentioned you yet.',
    doing: 'load your mentions',
    label: 'Mentions',
  });
  root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Mentions')), list.element);
  await startKept(list, context);
}
