import { composer } from '../components/composer.js';
import { liveTimeline } from '../components/live-timeline.js';
import { startKept } from '../components/paged-list.js';
import { whoToFollow } from '../components/suggestions.js';
import { tweetList } from '../components/tweet-list.js';
import { h } from '../dom.js';
import type { ViewContext } from '../router.js';
import { currentSession } from '../session.js';
import { landingView } from './landing.js';

/**
 * The home timeline: compose at the top, then the timeline, kept current live and loaded further on scrolling. Back
 * to it shows the pages that were loaded, scrolled where they were.
 */
export async function homeView(context: ViewContext) {
  const { root, signal } = context;
  const session = currentSession();
  if (!session) return landingView(context);
  const list = tweetList('/api/v1/timelines/home', signal, {
    empty: 'Nothing here yet. Follow someone, or say something.',
    doing: 'load your timeline',
    label: 'Home timeline',
    end: 'You have seen every post in your timeline.',
  });
  let live: ReturnType<typeof liveTimeline> | undefined;
  const heading = h('div', { class: 'page-head' }, h('h1', {}, 'Home'));
  const box = h(
    'div',
    { class: 'card' },
    composer({ onPosted: (tweet) => (live ? live.showOwn(tweet) : list.merge([tweet])) }),
  );
  root.append(heading, box, list.element);
  // The live part starts from what is shown, so what it reports as new is newer than that.
  await startKept(list, context);
  if (signal.aborted) return;
  // A new account's Home is empty: offer people to follow; their posts arrive once it follows someone.
  if (list.size === 0 && !list.failed) {
    root.insertBefore(
      whoToFollow(signal, () => void list.reload()),
      list.element,
    );
  }
  live = liveTimeline(list, signal);
  heading.append(live.state);
  root.insertBefore(live.banner, list.element);
}
