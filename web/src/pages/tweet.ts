import { call, type StatusJson } from '../api.js';
import { composer } from '../components/composer.js';
import { describeError, errorPanel } from '../components/notice.js';
import { replyTree } from '../components/thread.js';
import { tweetCard } from '../components/tweet-card.js';
import { h, link, tweetPath } from '../dom.js';
import { plainText } from '../rich-text.js';
import { navigate, type ViewContext } from '../router.js';
import { currentSession } from '../session.js';
import { setPageTitle } from '../title.js';

/** Twitter's: "Name on Starling: “the text…”", from the text the post shows (not its markup). */
function postTitle(status: StatusJson): string {
  const text = plainText(status.content);
  const name = status.account.display_name || status.account.username;
  const short = text.length > 60 ? `${text.slice(0, 59)}…` : text;
  return short ? `${name}: “${short}”` : `Post by ${name}`;
}

interface Thread {
  ancestors: StatusJson[];
  descendants: StatusJson[];
}

/**
 * `/tweets/:id` (and `/@handle/:id`, a post's address on the server): the thread it is in — what it answers, up to
 * the first post — the post itself, a reply box, and the replies below it. A boost's page is its original's.
 */
export async function tweetView({ root, params, signal }: ViewContext) {
  const id = params.id ?? '';
  let status: StatusJson;
  let thread: Thread;
  try {
    [status, thread] = await Promise.all([
      call<StatusJson>('GET', `/api/v1/statuses/${encodeURIComponent(id)}`, { signal }),
      call<Thread>('GET', `/api/v1/statuses/${encodeURIComponent(id)}/context`, { signal }),
    ]);
  } catch (failure) {
    root.append(errorPanel(describeError('load the post', failure)));
    return;
  }
  if (status.reblog) {
    navigate(tweetPath(status.reblog.id), { replace: true });
    return;
  }
  setPageTitle(postTitle(status));
  const replies = replyTree(status.id, thread.descendants);
  const noReplies = h('p', { class: 'empty' }, 'No replies yet.');
  noReplies.hidden = replies.size > 0;
  const reply = currentSession()
    ? h(
        'div',
        { class: 'card', attrs: { id: 'reply' } },
        composer({
          replyTo: status,
          autofocus: window.location.hash === '#reply',
          onPosted: (posted) => {
            replies.addOwn(posted);
            noReplies.hidden = true;
          },
        }),
      )
    : h(
        'p',
        { class: 'card muted' },
        link(`/login?next=${encodeURIComponent(tweetPath(status.id))}`, {}, 'Sign in'),
        ' to reply.',
      );
  const ancestors = thread.ancestors.length
    ? h(
        'ol',
        { class: 'items thread', attrs: { 'aria-label': 'Earlier in the thread' } },
        // From the first post down to the one this answers.
        ...[...thread.ancestors]
          .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
          .map((a) => h('li', { dataset: { key: a.id } }, tweetCard(a))),
      )
    : '';
  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Post')),
    ancestors,
    tweetCard(status, { detailed: true, onRemoved: () => navigate('/') }),
    reply,
    h('h2', { class: 'section-title' }, 'Replies'),
    noReplies,
    h('section', { class: 'paged-list thread-replies' }, replies.element),
  );
}
