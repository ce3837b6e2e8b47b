/**
 * Keyboard shortcuts, as people know them from Twitter and Mastodon's clients: j and k move between the posts on the
 * page, o or Enter opens the one in focus, n writes a post, / searches, ? lists them. None acts while the reader is
 * typing, or with Ctrl, Alt or Meta held (those stay the browser's).
 */
import { h } from './dom.js';
import { navigate } from './router.js';
import { currentSession } from './session.js';

const KEYS: readonly [keys: string, does: string][] = [
  ['j', 'Next post'],
  ['k', 'Previous post'],
  ['o or Enter', 'Open the post in focus'],
  ['n', 'Write a post'],
  ['/', 'Search'],
  ['?', 'Show these shortcuts'],
  ['Esc', 'Close this list'],
];

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || target.closest('input, textarea, select, [contenteditable="true"]') !== null);

const postsShown = () => [...document.querySelectorAll<HTMLElement>('#view article.tweet')];

/** Moves the focus `by` posts down (or up), from the post in focus, or to the first when none is. */
function move(by: number) {
  const posts = postsShown();
  if (posts.length === 0) return;
  const current = document.activeElement?.closest('article.tweet');
  const at = current ? posts.indexOf(current as HTMLElement) : -1;
  const next = posts[at === -1 ? 0 : Math.max(0, Math.min(posts.length - 1, at + by))] as HTMLElement;
  // Focusable by script, not a stop in the Tab order: the links and buttons inside are.
  if (!next.hasAttribute('tabindex')) next.tabIndex = -1;
  next.focus();
}

function write() {
  const composer = document.querySelector<HTMLTextAreaElement>('#view form.composer textarea');
  if (composer) composer.focus();
  else navigate('/compose');
}

let help: HTMLDialogElement | null = null;

function showHelp() {
  if (help?.open) return;
  const opener = document.activeElement as HTMLElement | null;
  const close = h('button', { class: 'secondary', attrs: { type: 'button' } }, 'Close');
  const dialog = h(
    'dialog',
    { class: 'shortcuts', attrs: { 'aria-labelledby': 'shortcuts-title' } },
    h('h2', { attrs: { id: 'shortcuts-title' } }, 'Keyboard shortcuts'),
    h('dl', {}, ...KEYS.flatMap(([keys, does]) => [h('dt', {}, h('kbd', {}, keys)), h('dd', {}, does)])),
    close,
  ) as HTMLDialogElement;
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    help = null;
    opener?.focus();
  });
  help = dialog;
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

export function startShortcuts(): void {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || typing(event.target))
      return;
    if (help?.open) return;
    const inPost = (event.target as Element | null)?.matches?.('article.tweet') ?? false;
    const act: Record<string, () => void> = {
      j: () => move(1),
      k: () => move(-1),
      o: () => (document.activeElement?.closest('article.tweet') as HTMLElement | null)?.click(),
      n: () => (currentSession() ? write() : navigate('/login')),
      '/': () => navigate('/search'),
      '?': showHelp,
    };
    const action = event.key === 'Enter' && inPost ? act.o : act[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
}
