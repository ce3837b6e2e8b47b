import { call, type StatusJson } from '../api.js';
import { avatar, h, handlePath, link, tweetPath } from '../dom.js';
import { statusContent } from '../rich-text.js';
import { navigate } from '../router.js';
import { currentSession } from '../session.js';
import { count, relativeTime } from '../time.js';
import { mediaGrid } from './media-grid.js';
import { alertLine, describeError } from './notice.js';
import { editedMarker, editForm } from './post-edit.js';
import { replyingTo } from './replying-to.js';

export interface CardOptions {
  /** The post's own page: larger text, no navigation on click. */
  detailed?: boolean;
  /** Called once the post (or the boost this card shows) is gone, so the list can drop the card. */
  onRemoved?: () => void;
}

const nameOf = (account: StatusJson['account']) => account.display_name || account.username;

/**
 * One post. A boost shows its original, with who retweeted it above; the actions act on the original. The post's
 * content comes in through {@link statusContent}'s allow-list; everything else from users through text nodes.
 */
export function tweetCard(entry: StatusJson, options: CardOptions = {}): HTMLElement {
  const status = entry.reblog ?? entry;
  const me = currentSession()?.account;
  const error = alertLine();

  const context = entry.reblog
    ? h(
        'p',
        { class: 'context retweeted' },
        'Retweeted by ',
        link(handlePath(entry.account.acct), {}, nameOf(entry.account)),
      )
    : null;
  const edited = editedMarker(status);
  const header = h(
    'header',
    { class: 'byline' },
    link(
      handlePath(status.account.acct),
      { class: 'avatar-link', attrs: { tabindex: '-1', 'aria-hidden': 'true' } },
      avatar(status.account),
    ),
    link(handlePath(status.account.acct), { class: 'name' }, nameOf(status.account)),
    h('span', { class: 'handle' }, `@${status.account.acct}`),
    link(tweetPath(status.id), { class: 'time' }, relativeTime(status.created_at)),
    edited?.button ?? '',
  );
  const replying = replyingTo(status);
  const spoiler = status.spoiler_text ? h('p', { class: 'spoiler' }, status.spoiler_text) : null;
  const text = h(
    'div',
    { class: options.detailed ? 'text detailed' : 'text' },
    statusContent(status.content, status.mentions),
  );

  const actions = h('footer', { class: 'actions' });
  const replies = link(
    `${tweetPath(status.id)}#reply`,
    {
      class: 'action reply',
      attrs: { title: status.replies_count === 1 ? '1 reply' : `${status.replies_count} replies` },
    },
    `Reply ${status.replies_count > 0 ? count(status.replies_count) : ''}`.trim(),
  );
  actions.append(replies);
  if (me) {
    actions.append(
      toggle('retweet', ['Retweet', 'Retweeted'], status.reblogged, status.reblogs_count, async (on) => {
        await call('POST', `/api/v1/statuses/${status.id}/${on ? 'reblog' : 'unreblog'}`);
        // Undoing the boost this card stands for takes the card away.
        if (!on && entry.reblog && entry.account.id === me.id) options.onRemoved?.();
      }),
      toggle('like', ['Like', 'Liked'], status.favourited, status.favourites_count, async (on) => {
        await call('POST', `/api/v1/statuses/${status.id}/${on ? 'favourite' : 'unfavourite'}`);
      }),
    );
    if (status.account.id === me.id) {
      const editButton = h('button', { class: 'action edit', attrs: { type: 'button' } }, 'Edit');
      editButton.addEventListener('click', (event) => {
        event.stopPropagation();
        const form = editForm(
          status,
          (saved) => card.replaceWith(tweetCard(entry.reblog ? { ...entry, reblog: saved } : saved, options)),
          () => form.replaceWith(text),
        );
        text.replaceWith(form);
      });
      actions.append(editButton, deleteButton(status, error.show, options.onRemoved));
    }
  }

  const card = h(
    'article',
    { class: options.detailed ? 'tweet detailed' : 'tweet', dataset: { id: status.id } },
    context ?? '',
    header,
    replying ?? '',
    spoiler ?? '',
    text,
    mediaGrid(status.media_attachments) ?? '',
    edited?.panel ?? '',
    actions,
    error,
  );
  if (!options.detailed) {
    // The whole card opens the post, except where the click was meant for a link, a button or selecting text.
    card.addEventListener('click', (event) => {
      const target = event.target as Element;
      if (target.closest('a, button, textarea, input, form, ol.history') || window.getSelection()?.toString())
        return;
      navigate(tweetPath(status.id));
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
  status: StatusJson,
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
      await call('DELETE', `/api/v1/statuses/${status.id}`);
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

/** Names one more account that retweeted the post a shown card has ("Retweeted by Ann and Bob"). */
export function addRetweeter(shown: HTMLElement, account: StatusJson['account']): void {
  const article = shown.querySelector('article');
  if (!article) return;
  let line = article.querySelector<HTMLElement>(':scope > .context.retweeted');
  if (!line) {
    line = h('p', { class: 'context retweeted' }, 'Retweeted by ');
    article.prepend(line);
  } else {
    if (line.querySelector(`a[href="${handlePath(account.acct)}"]`)) return;
    line.append(' and ');
  }
  line.append(link(handlePath(account.acct), {}, nameOf(account)));
}
