import type { MediaJson } from '../api.js';
import { h, serverImage } from '../dom.js';

/**
 * A post's images in a grid (one wide, two side by side, three or four in a square), each a button that opens the
 * viewer. Alt text is the image's `alt` and shown under it in the viewer; images only ever come from this server.
 */
export function mediaGrid(media: readonly MediaJson[]): HTMLElement | null {
  if (media.length === 0) return null;
  const grid = h('div', { class: `media-grid count-${Math.min(media.length, 4)}` });
  media.slice(0, 4).forEach((item, index) => {
    const preview = serverImage(item.preview_url, item.description ?? '', {
      attrs: { width: String(item.meta.small.width), height: String(item.meta.small.height) },
    });
    if (!preview) return;
    const open = h(
      'button',
      {
        class: 'media-item',
        attrs: {
          type: 'button',
          'aria-label': item.description ? `View image: ${item.description}` : 'View image',
        },
        on: {
          click: (event) => {
            event.stopPropagation();
            openViewer(media, index, open);
          },
        },
      },
      preview,
    );
    grid.append(open);
  });
  return grid.childElementCount > 0 ? grid : null;
}

/**
 * The viewer: a modal dialog with the full image and its alt text. Escape (or Close) closes it and gives the focus
 * back to the image it was opened from; the arrow keys step through the post's images.
 */
function openViewer(media: readonly MediaJson[], start: number, opener: HTMLElement) {
  let index = start;
  const figure = h('figure', { class: 'viewer-figure' });
  const counter = h('p', { class: 'viewer-count', attrs: { 'aria-live': 'polite' } });
  const close = h('button', { class: 'secondary', attrs: { type: 'button' } }, 'Close');
  const previous = h(
    'button',
    { class: 'secondary', attrs: { type: 'button', 'aria-label': 'Previous image' } },
    '‹',
  );
  const next = h(
    'button',
    { class: 'secondary', attrs: { type: 'button', 'aria-label': 'Next image' } },
    '›',
  );
  const dialog = h(
    'dialog',
    { class: 'viewer', attrs: { 'aria-label': 'Image viewer' } },
    figure,
    h('div', { class: 'viewer-bar' }, previous, counter, next, close),
  );
  const show = () => {
    const item = media[index];
    if (!item) return;
    const full = serverImage(item.url, item.description ?? '', { class: 'viewer-image' });
    figure.replaceChildren(full ?? '', h('figcaption', {}, item.description ?? 'No description.'));
    counter.textContent = `${index + 1} of ${media.length}`;
    previous.disabled = index === 0;
    next.disabled = index === media.length - 1;
  };
  const step = (by: number) => {
    index = Math.max(0, Math.min(media.length - 1, index + by));
    show();
  };
  previous.addEventListener('click', () => step(-1));
  next.addEventListener('click', () => step(1));
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowLeft') step(-1);
    if (event.key === 'ArrowRight') step(1);
  });
  // A click on the backdrop (the dialog itself, outside its content) closes it too.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    opener.focus();
  });
  show();
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}
