import { call, type TweetJson } from '../api.js';
import { composer } from '../components/composer.js';
import { describeError, errorPanel } from '../components/notice.js';
import { tweetCard } from '../components/tweet-card.js';
import { tweetList } from '../components/tweet-list.js';
import { h, link, tweetPath } from '../dom.js';
import { navigate, type ViewContext } from '../router.js';
import { currentSession } from '../session.js';

/** `/tweets/:id`: the tweet, a reply box, and its replies. A retweet's page is its original's. */
export async function tweetView({ root, params, signal }: ViewContext) {
  const id = params.id ?? '';
  let tweet: TweetJson;
  try {
    tweet = await call<TweetJson>('GET', `/tweets/${encodeURIComponent(id)}`, { signal });
  } catch (failure) {
    root.append(errorPanel(describeError('load the post', failure)));
    return;
  }
  if (tweet.retweet_of) {
    navigate(tweetPath(tweet.retweet_of.id), { replace: true });
    return;
  }
  const replies = tweetList(`/tweets/${tweet.id}/replies`, signal, {
    empty: 'No replies yet.',
    doing: 'load the replies',
    label: 'Replies',
  });
  const reply = currentSession()
    ? h(
        'div',
        { class: 'card', attrs: { id: 'reply' } },
        composer({
          replyTo: tweet,
          autofocus: window.location.hash === '#reply',
          onPosted: (posted) => replies.prepend([posted]),
        }),
      )
    : h(
        'p',
        { class: 'card muted' },
        link(`/login?next=${encodeURIComponent(tweetPath(tweet.id))}`, {}, 'Sign in'),
        ' to reply.',
      );
  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Post')),
    tweetCard(tweet, { detailed: true, onRemoved: () => navigate('/') }),
    reply,
    h('h2', { class: 'section-title' }, 'Replies'),
    replies.element,
  );
  replies.start();
}
