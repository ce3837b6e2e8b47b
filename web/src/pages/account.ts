import { type AccountJson, call, type RelationshipJson, type StatusJson, setFollowing } from '../api.js';
import { accountList } from '../components/account-row.js';
import { alertLine, describeError, errorPanel } from '../components/notice.js';
import { type PagedList, startKept } from '../components/paged-list.js';
import { profileForm } from '../components/profile-form.js';
import { tweetList } from '../components/tweet-list.js';
import { avatar, h, handlePath, link, serverImage } from '../dom.js';
import { statusContent } from '../rich-text.js';
import type { ViewContext } from '../router.js';
import { refresh } from '../router.js';
import { currentSession } from '../session.js';
import { signOut } from '../sign-in.js';
import { count } from '../time.js';
import { setPageTitle } from '../title.js';

type Tab = 'tweets' | 'followers' | 'following';

function followButton(account: AccountJson, followers: HTMLElement, signal: AbortSignal) {
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
  call<RelationshipJson[]>('GET', '/api/v1/accounts/relationships', {
    query: { 'id[]': account.id },
    signal,
  }).then(
    ([relationship]) => {
      following = relationship?.following === true;
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
    try {
      const result = await setFollowing(account.id, !following);
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
  return async (context: ViewContext) => {
    const { root, params, signal } = context;
    const handle = params.handle ?? '';
    let account: AccountJson;
    try {
      account = await call<AccountJson>('GET', '/api/v1/accounts/lookup', {
        query: { acct: handle },
        signal,
      });
    } catch (failure) {
      root.append(errorPanel(describeError(`load @${handle}`, failure)));
      return;
    }
    const me = currentSession()?.account;
    const who = `${account.display_name || account.username} (@${account.acct})`;
    setPageTitle(tab === 'tweets' ? who : `${tab === 'followers' ? 'Followers of' : 'Followed by'} ${who}`);
    const base = handlePath(account.acct);
    const followers = h('strong', {}, count(account.followers_count));
    const joined = new Date(account.created_at).toLocaleDateString(undefined, {
      year: 'numeric',
      month: 'long',
    });
    // The bio and fields are HTML from the server: through the allow-list, like a post.
    const note = account.note ? h('div', { class: 'note text' }, statusContent(account.note, [])) : '';
    const fields =
      account.fields.length > 0
        ? h(
            'dl',
            { class: 'fields' },
            ...account.fields.flatMap((f) => [
              h('dt', {}, statusContent(f.name, [])),
              h('dd', {}, statusContent(f.value, [])),
            ]),
          )
        : '';
    const editing = h('div', { class: 'profile-editing' });
    const editButton = h('button', { class: 'secondary', attrs: { type: 'button' } }, 'Edit profile');
    editButton.addEventListener('click', () => {
      editButton.hidden = true;
      editing.replaceChildren(
        profileForm(
          () => refresh(),
          () => {
            editing.replaceChildren();
            editButton.hidden = false;
          },
        ),
      );
    });
    const profile = h(
      'section',
      { class: 'card profile' },
      serverImage(account.header, '', { class: 'header-image' }) ?? '',
      avatar(account, 'large'),
      h('h1', {}, account.display_name || account.username),
      h('p', { class: 'handle' }, `@${account.acct}`),
      note,
      fields,
      h('p', { class: 'muted' }, `Joined ${joined}`),
      h(
        'p',
        { class: 'stats' },
        h('span', {}, h('strong', {}, count(account.statuses_count)), ' posts'),
        link(`${base}/following`, {}, h('strong', {}, count(account.following_count)), ' following'),
        link(`${base}/followers`, {}, followers, ' followers'),
      ),
      me && me.id !== account.id ? followButton(account, followers, signal) : '',
      me && me.id === account.id
        ? h(
            'div',
            { class: 'own-actions' },
            editButton,
            h(
              'button',
              { class: 'primary secondary', attrs: { type: 'button' }, on: { click: () => void signOut() } },
              'Sign out',
            ),
          )
        : '',
      editing,
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
    const path = `/api/v1/accounts/${account.id}`;
    const list =
      tab === 'tweets'
        ? tweetList(`${path}/statuses`, signal, {
            empty: `@${account.acct} has not posted yet.`,
            doing: 'load the posts',
            label: `Posts by @${account.acct}`,
          })
        : accountList(`${path}/${tab}`, signal, {
            empty: tab === 'followers' ? 'No followers yet.' : 'Not following anyone yet.',
            doing: `load the ${tab} list`,
            label:
              tab === 'followers' ? `Followers of @${account.acct}` : `Accounts @${account.acct} follows`,
          });
    root.append(profile, tabs, list.element);
    if (tab === 'tweets') await startKept(list as PagedList<StatusJson>, context);
    else await startKept(list as PagedList<AccountJson>, context);
  };
}
