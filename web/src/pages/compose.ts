import { call, type StatusJson } from '../api.js';
import { composer } from '../components/composer.js';
import { describeError, errorPanel } from '../components/notice.js';
import { tweetCard } from '../components/tweet-card.js';
import { h, tweetPath } from '../dom.js';
import { navigate, type ViewContext } from '../router.js';
import { currentSession } from '../session.js';

/** `/compose` (and `/compose?reply_to=<id>`): a composer on its own page, handy on a phone. */
export async function composeView({ root, query, signal }: ViewContext) {
  if (!currentSession()) {
    navigate(`/login?next=${encodeURIComponent('/compose')}`, { replace: true });
    return;
  }
  const replyToId = query.get('reply_to');
  let replyTo: StatusJson | undefined;
  if (replyToId && /^[0-9]{1,20}$/.test(replyToId)) {
    try {
      replyTo = await call<StatusJson>('GET', `/api/v1/statuses/${replyToId}`, { signal });
    } catch (failure) {
      root.append(errorPanel(describeError('load the post you are replying to', failure)));
      return;
    }
  }
  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, replyTo ? 'Reply' : 'New post')),
    replyTo ? tweetCard(replyTo) : '',
    h(
      'div',
      { class: 'card' },
      composer({
        autofocus: true,
        ...(replyTo ? { replyTo } : {}),
        onPosted: (status) => navigate(replyTo ? tweetPath(replyTo.id) : tweetPath(status.id)),
      }),
    ),
  );
}
