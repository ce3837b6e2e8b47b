import { type AccountJson, type AccountPage, call } from '../api.js';
import { accountList } from '../components/account-row.js';
import { alertLine, describeError, errorPanel } from '../components/notice.js';
import { tweetList } from '../components/tweet-list.js';
import { h, handlePath, link } from '../dom.js';
import type { ViewContext } from '../router.js';
import { currentSession } from '../session.js';
import { signOut } from '../sign-out.js';
import { count } from '../time.js';

type Tab = 'tweets' | 'followers' | 'following';

/** Pages of the reader's own following list looked through to learn whether they follow an account. */
const MAX_FOLLOWING_PAGES = 10;

/**
 * Whether `me` follows `account`. The API has no relationship call, so this looks through the reader's following
 * list (newest follows first, which is where a recent follow is); null when the list is longer than we look.
 */
async function follows(me: AccountJson, account: AccountJson, signal: AbortSignal): Promise<boolean | null> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_FOLLOWING_PAGES; page++) {
    const result = await call<AccountPage>('GET', `/accounts/${encodeURIComponent(me.handle)}/following`, {
      query: { limit: 100, cursor },
      signal,
    });
    if (result.accounts.some((a) => a.id === account.id)) return true;
    if (result.next_cursor === null) return false;
    cursor = result.next_cursor;
  }
  return null;
}

function followButton(account: AccountJson, me: AccountJson, followers: HTMLElement, signal: AbortSignal) {
  const button = h('button', { class: 'primary follow', attrs: { type: 'button' } }, 'Follow');
  const error = alertLine();
  let following = false;
  let total = account.followers_count;
  const draw = () => {
    button.textContent = following ? 'Unfollow' : 'Follow';
    button.classList.toggle('secondary', following);
    button.setAttribute('aria-pressed', String(following));
    followers.textContent = count(total);
  };
  button.disabled = true;
  follows(me, account, signal).then(
    (known) => {
      following = known === true;
      button.disabled = false;
      draw();
    },
    () => {
      // Unknown: offer Follow (idempotent on the server, so it is safe either way).
      button.disabled = false;
    },
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    error.show(null);
    const path = `/accounts/${encodeURIComponent(account.handle)}/follow`;
    try {
      const result = await call<{ following: boolean }>(following ? 'DELETE' : 'PUT', path);
      if (result.following !== following) total = Math.max(0, total + (result.following ? 1 : -1));
      following = result.following;
      draw();
    } catch (failure) {
      error.show(describeError(following ? 'unfollow' : 'follow', failure));
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'follow-box' }, button, error);
}

/** `/@handle`, `/@handle/followers`, `/@handle/following`. */
export function accountView(tab: Tab) {
  return async ({ root, params, signal }: ViewContext) => {
    const handle = params.handle ?? '';
    let account: AccountJson;
    try {
      account = await call<AccountJson>('GET', `/accounts/${encodeURIComponent(handle)}`, { signal });
    } catch (failure) {
      root.append(errorPanel(describeError(`load @${handle}`, failure)));
      return;
    }
    const me = currentSession()?.account;
    const base = handlePath(account.handle);
    const followers = h('strong', {}, count(account.followers_count));
    const joined = new Date(account.created_at).toLocaleDateString(undefined, {
      year: 'numeric',
      month: 'long',
    });
    const profile = h(
      'section',
      { class: 'card profile' },
      h('h1', {}, account.display_name || account.handle),
      h('p', { class: 'handle' }, `@${account.handle}`),
      h('p', { class: 'muted' }, `Joined ${joined}`),
      h(
        'p',
        { class: 'stats' },
        h('span', {}, h('strong', {}, count(account.tweets_count)), ' posts'),
        link(`${base}/following`, {}, h('strong', {}, count(account.following_count)), ' following'),
        link(`${base}/followers`, {}, followers, ' followers'),
      ),
      me && me.id !== account.id ? followButton(account, me, followers, signal) : '',
      me && me.id === account.id
        ? h(
            'button',
            { class: 'primary secondary', attrs: { type: 'button' }, on: { click: () => void signOut() } },
            'Sign out',
          )
        : '',
    );
    const tabs = h(
      'nav',
      { class: 'tabs', attrs: { 'aria-label': 'Account sections' } },
      ...(
        [
          ['tweets', base, 'Posts'],
          ['following', `${base}/following`, 'Following'],
          ['followers', `${base}/followers`, 'Followers'],
        ] as const
      ).map(([name, path, label]) =>
        link(
          path,
          {
            class: name === tab ? 'tab active' : 'tab',
            attrs: name === tab ? { 'aria-current': 'page' } : {},
          },
          label,
        ),
      ),
    );
    const path = `/accounts/${encodeURIComponent(account.handle)}`;
    const list =
      tab === 'tweets'
        ? tweetList(`${path}/tweets`, signal, {
            empty: `@${account.handle} has not posted yet.`,
            doing: 'load the posts',
            label: `Posts by @${account.handle}`,
          })
        : accountList(`${path}/${tab}`, signal, {
            empty: tab === 'followers' ? 'No followers yet.' : 'Not following anyone yet.',
            doing: `load the ${tab} list`,
            label:
              tab === 'followers' ? `Followers of @${account.handle}` : `Accounts @${account.handle} follows`,
          });
    root.append(profile, tabs, list.element);
    list.start();
  };
}
