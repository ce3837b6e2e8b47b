import { h } from '../dom.js';
import { setTitleCount } from '../title.js';
import { UNREAD_LIMIT, watchUnread } from '../unread.js';

const shown = (count: number) => (count >= UNREAD_LIMIT ? `${UNREAD_LIMIT}+` : String(count));

/**
 * The unread notifications count on the navigation's Notifications link (hidden at zero), and in the tab's title.
 * The badge is drawn again with the navigation; the count it shows is the one {@link watchUnread} keeps.
 */
export function unreadBadge(): HTMLElement {
  const badge = h('span', { class: 'badge unread-badge', attrs: { 'aria-hidden': 'true' } });
  // What a screen reader says instead of the bare number.
  const said = h('span', { class: 'visually-hidden' });
  const stop = watchUnread((count) => {
    if (!badge.isConnected && badge.dataset.drawn) {
      stop();
      return;
    }
    badge.dataset.drawn = 'yes';
    badge.hidden = count === 0;
    badge.textContent = shown(count);
    badge.title = `${shown(count)} unread`;
    said.textContent = count === 0 ? '' : ` (${shown(count)} unread)`;
  });
  return h('span', { class: 'unread-count' }, badge, said);
}

/** The title follows the count wherever the reader is. */
export function titleFollowsUnread(): void {
  watchUnread((count) => setTitleCount(shown(count)));
}

/** The navigation's link to the notifications, with the badge in it. */
export function notificationsLink(anchor: HTMLAnchorElement): HTMLAnchorElement {
  anchor.classList.add('nav-notifications');
  anchor.append(unreadBadge());
  return anchor;
}
