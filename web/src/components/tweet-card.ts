import { call, type TweetJson } from '../api.js';
import { h, handlePath, link, tweetPath } from '../dom.js';
import { richText } from '../rich-text.js';
import { navigate } from '../router.js';
import { currentSession } from '../session.js';
import { count, timeLabel } from '../time.js';
import { alertLine, describeError } from './notice.js';

export interface CardOptions {
  /** The tweet page's own tweet: larger text, no navigation on click. */
  detailed?: boolean;
  /** Called once the tweet (or the retweet this card shows) is gone, so the list can drop the card. */
  onRemoved?: () => void;
}

/**
 * One tweet. A retweet shows its original, with who retweeted it above; the actions act on the original. All text
 * from users goes in through text nodes ({@link richText} for the tweet itself).
 */
export function tweetCard(entry: TweetJson, options: CardOptions = {}): HTMLElement {
  const tweet = entry.retweet_of ?? entry;
  const me = currentSession()?.account;
  const error = alertLine();

  const context = entry.retweet_of
    ? h(
        'p',
        { class: 'context' },
        'Retweeted by ',
        link(handlePath(entry.author.handle), {}, entry.author.display_name || `@${entry.author.handle}`),
      )
    : null;
  const when = timeLabel(tweet.created_at);
  const header = h(
    'header',
    { class: 'byline' },
    link(
      handlePath(tweet.author.handle),
      { class: 'name' },
      tweet.author.display_name || tweet.author.handle,
    ),
    h('span', { class: 'handle' }, `@${tweet.author.handle}`),
    link(
      tweetPath(tweet.id),
      { class: 'time' },
      h('time', { attrs: { datetime: tweet.created_at, title: when.full } }, when.short),
    ),
  );
  const replyingTo = tweet.reply_to_id
    ? h('p', { class: 'context' }, 'Replying to ', link(tweetPath(tweet.reply_to_id), {}, 'a post'))
    : null;
  const text = h(
    'p',
    { class: options.detailed ? 'text detailed' : 'text' },
    richText(tweet.text, tweet.mentions),
  );

  const actions = h('footer', { class: 'actions' });
  const replies = link(
    `${tweetPath(tweet.id)}#reply`,
    { class: 'action reply', attrs: { 'aria-label': `Reply (${tweet.reply_count} replies)` } },
    `Reply ${tweet.reply_count > 0 ? count(tweet.reply_count) : ''}`.trim(),
  );
  actions.append(replies);
  if (me) {
    actions.append(
      toggle('retweet', ['Retweet', 'Retweeted'], tweet.retweeted, tweet.retweet_count, async (on) => {
        if (on) await call('POST', `/tweets/${tweet.id}/retweet`);
        else await call('DELETE', `/tweets/${tweet.id}/retweet`);
        // Undoing the retweet this card stands for takes the card away.
        if (!on && entry.retweet_of && entry.author.id === me.id) options.onRemoved?.();
      }),
      toggle('like', ['Like', 'Liked'], tweet.liked, tweet.like_count, async (on) => {
        await call(on ? 'PUT' : 'DELETE', `/tweets/${tweet.id}/like`);
      }),
    );
    if (tweet.author.id === me.id) actions.append(deleteButton(tweet, error.show, options.onRemoved));
  }

  const card = h(
    'article',
    { class: options.detailed ? 'tweet detailed' : 'tweet', dataset: { id: tweet.id } },
    context ?? '',
    header,
    replyingTo ?? '',
    text,
    actions,
    error,
  );
  if (!options.detailed) {
    // The whole card opens the tweet, except where the click was meant for a link, a button or selecting text.
    card.addEventListener('click', (event) => {
      const target = event.target as Element;
      if (target.closest('a, button, textarea, input') || window.getSelection()?.toString()) return;
      navigate(tweetPath(tweet.id));
    });
  }

  /** A pressed/unpressed action with a count, updated at once and put back if the call fails. */
  function toggle(
    name: string,
    [label, pressedLabel]: [string, string],
    initially: boolean,
    initialCount: number,
    send: (on: boolean) => Promise<void>,
  ): HTMLButtonElement {
    let on = initially;
    let total = initialCount;
    const button = h('button', { class: `action ${name}`, attrs: { type: 'button' } });
    const draw = () => {
      button.textContent = `${on ? pressedLabel : label}${total > 0 ? ` ${count(total)}` : ''}`;
      button.setAttribute('aria-pressed', String(on));
    };
    draw();
    button.addEventListener('click', async () => {
      const before = { on, total };
      on = !on;
      total = Math.max(0, total + (on ? 1 : -1));
      draw();
      button.disabled = true;
      error.show(null);
      try {
        await send(on);
      } catch (failure) {
        ({ on, total } = before);
        draw();
        error.show(describeError(`${before.on ? 'undo the' : ''} ${name}`.trim(), failure));
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  return card;
}

/** Deleting takes two clicks (no browser dialog): "Delete", then "Delete for good" or "Keep". */
function deleteButton(
  tweet: TweetJson,
  showError: (text: string | null) => void,
  onRemoved: (() => void) | undefined,
): HTMLElement {
  const wrapper = h('span', { class: 'delete-group' });
  const start = h('button', { class: 'action delete', attrs: { type: 'button' } }, 'Delete');
  const confirm = h('button', { class: 'action danger', attrs: { type: 'button' } }, 'Delete for good');
  const keep = h('button', { class: 'action', attrs: { type: 'button' } }, 'Keep');
  const ask = (asking: boolean) => wrapper.replaceChildren(...(asking ? [confirm, keep] : [start]));
  start.addEventListener('click', () => ask(true));
  keep.addEventListener('click', () => ask(false));
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    showError(null);
    try {
      await call('DELETE', `/tweets/${tweet.id}`);
      onRemoved?.();
      const card = wrapper.closest('article');
      card?.replaceChildren(h('p', { class: 'context' }, 'This post was deleted.'));
    } catch (failure) {
      showError(describeError('delete the post', failure));
      confirm.disabled = false;
      ask(false);
    }
  });
  ask(false);
  return wrapper;
}
