import { type AccountJson, call, setFollowing } from '../api.js';
import { h } from '../dom.js';
import { accountRow } from './account-row.js';
import { alertLine, describeError } from './notice.js';

interface SuggestionJson {
  source: string;
  sources: string[];
  account: AccountJson;
}

const WHY: Record<string, string> = {
  friends_of_friends: 'Followed by people you follow',
  most_followed: 'Popular on Starling',
};

/**
 * "Who to follow": accounts from the server's suggestions (the follow graph), each with why and a Follow button.
 * Shown where a timeline is empty; draws nothing if there are none or they cannot be read.
 */
export function whoToFollow(signal: AbortSignal, onFollowed: () => void): HTMLElement {
  const list = h('ul', { class: 'suggestions', attrs: { 'aria-label': 'Suggested accounts' } });
  const section = h(
    'section',
    { class: 'card who-to-follow', attrs: { 'aria-labelledby': 'who-to-follow' } },
    h('h2', { attrs: { id: 'who-to-follow' } }, 'Who to follow'),
    list,
  );
  section.hidden = true;
  call<SuggestionJson[]>('GET', '/api/v2/suggestions', { query: { limit: 5 }, signal }).then(
    (suggestions) => {
      for (const { account, sources } of suggestions) list.append(item(account, WHY[sources[0] ?? ''] ?? ''));
      section.hidden = suggestions.length === 0;
    },
    () => {
      // Suggestions are an offer: without them the page still works.
    },
  );

  function item(account: AccountJson, why: string): HTMLElement {
    const error = alertLine();
    const button = h(
      'button',
      {
        class: 'primary follow',
        attrs: { type: 'button', 'aria-label': `Follow @${account.acct}`, 'aria-pressed': 'false' },
      },
      'Follow',
    );
    button.addEventListener('click', async () => {
      const following = button.getAttribute('aria-pressed') === 'true';
      button.disabled = true;
      error.show(null);
      try {
        const result = await setFollowing(account.id, !following);
        button.setAttribute('aria-pressed', String(result.following));
        button.setAttribute('aria-label', `${result.following ? 'Unfollow' : 'Follow'} @${account.acct}`);
        button.textContent = result.following ? 'Following' : 'Follow';
        button.classList.toggle('secondary', result.following);
        if (result.following) onFollowed();
      } catch (failure) {
        error.show(describeError(following ? 'unfollow' : 'follow', failure));
      } finally {
        button.disabled = false;
      }
    });
    return h(
      'li',
      { class: 'suggestion' },
      accountRow(account),
      why ? h('p', { class: 'muted why' }, why) : '',
      button,
      error,
    );
  }

  return section;
}
