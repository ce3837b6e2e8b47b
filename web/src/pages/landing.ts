import { startKept } from '../components/paged-list.js';
import { tweetList } from '../components/tweet-list.js';
import { h, link } from '../dom.js';
import type { ViewContext } from '../router.js';
import { setPageTitle } from '../title.js';

/**
 * `/` for a visitor who is not signed in: what Starling is, the way in, and what people are posting here now (the
 * server's public posts), so there is something to read before deciding.
 */
export async function landingView(context: ViewContext) {
  const { root, signal } = context;
  setPageTitle('Welcome');
  const list = tweetList('/api/v1/timelines/public', signal, {
    empty: 'No one has posted yet. Be the first.',
    doing: 'load the latest posts',
    label: 'Latest posts on Starling',
    query: { local: 'true' },
    end: 'That is every post so far.',
  });
  root.append(
    h(
      'section',
      { class: 'card landing' },
      h('h1', {}, 'Starling'),
      h(
        'p',
        { class: 'lead' },
        'Short posts from the people you follow, as they happen. Follow anyone, reply, retweet and like; your ' +
          'home timeline is only the accounts you chose, newest first.',
      ),
      h(
        'p',
        { class: 'landing-actions' },
        link('/signup', { class: 'primary' }, 'Create an account'),
        link('/login', { class: 'primary secondary' }, 'Sign in'),
      ),
      h('p', { class: 'muted' }, 'It speaks the Mastodon API, so apps made for Mastodon work with it too.'),
    ),
    h('h2', { class: 'section-title' }, 'Latest posts'),
    list.element,
  );
  await startKept(list, context);
}
