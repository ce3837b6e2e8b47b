import { notificationsLink, titleFollowsUnread } from './components/unread-badge.js';
import { h, handlePath, link } from './dom.js';
import { accountView } from './pages/account.js';
import { authView } from './pages/auth.js';
import { composeView } from './pages/compose.js';
import { homeView } from './pages/home.js';
import { mentionsView } from './pages/mentions.js';
import { notificationsView } from './pages/notifications.js';
import { searchView } from './pages/search.js';
import { statusView } from './pages/status.js';
import { tagView } from './pages/tag.js';
import { tweetView } from './pages/tweet.js';
import { fallback, navigate, onNavigate, refresh, route, startRouter } from './router.js';
import { currentSession, onSessionChange, SESSION_KEY } from './session.js';
import { startShortcuts } from './shortcuts.js';
import { signOut } from './sign-in.js';
import { startClock } from './time.js';
import { pageName, setPageTitle } from './title.js';
import { startUnread } from './unread.js';

route('/', homeView);
route('/login', authView('login'));
route('/signup', authView('signup'));
route('/compose', composeView);
route('/notifications', notificationsView);
route('/mentions', mentionsView);
route('/search', searchView);
route('/status', statusView);
route('/tweets/:id', tweetView);
route('/tags/:tag', tagView);
route('/@:handle', accountView('tweets'));
route('/@:handle/followers', accountView('followers'));
route('/@:handle/following', accountView('following'));
// A post's address on the server (a Status's `url`) opens its page here too.
route('/@:handle/:id', tweetView);
fallback(({ root }) => {
  setPageTitle('Page not found');
  root.append(
    h('section', { class: 'card' }, h('h1', {}, 'Page not found'), h('p', {}, link('/', {}, 'Go home'))),
  );
});

const nav = document.getElementById('nav') as HTMLElement;
const view = document.getElementById('view') as HTMLElement;

/** The top navigation, for who is signed in; the current page's link is marked. */
function drawNav(path = window.location.pathname) {
  const session = currentSession();
  const item = (href: string, label: string) =>
    link(href, { class: 'nav-link', attrs: path === href ? { 'aria-current': 'page' } : {} }, label);
  nav.replaceChildren(
    ...(session
      ? [
          item('/', 'Home'),
          notificationsLink(item('/notifications', 'Notifications')),
          item('/search', 'Search'),
          item(handlePath(session.account.acct), 'Profile'),
          item('/status', 'Status'),
          h(
            'button',
            {
              class: 'nav-link link-button nav-sign-out',
              attrs: { type: 'button' },
              on: { click: () => void signOut() },
            },
            'Sign out',
          ),
          link('/compose', { class: 'nav-link compose-link' }, 'Post'),
        ]
      : [
          item('/search', 'Search'),
          item('/status', 'Status'),
          item('/login', 'Sign in'),
          item('/signup', 'Sign up'),
        ]),
  );
}

onNavigate((path) => {
  drawNav(path);
  setPageTitle(pageName(path));
});
onSessionChange((session) => {
  drawNav();
  // A session that ended elsewhere (a 401) sends the reader to sign in, and back here afterwards; at / the
  // signed-out landing shows instead.
  if (!session && !['/', '/login', '/signup'].includes(window.location.pathname)) {
    navigate(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, {
      replace: true,
    });
  }
});
window.addEventListener('storage', (event) => {
  if (event.key === SESSION_KEY) refresh();
});

startClock();
startShortcuts();
startUnread();
titleFollowsUnread();
startRouter(view);
