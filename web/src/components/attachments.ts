import { call, type MediaJson } from '../api.js';
import { h, serverImage } from '../dom.js';
import { alertLine, describeError } from './notice.js';

export const MAX_ATTACHMENTS = 4;
const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

interface Attachment {
  media: MediaJson;
  alt: HTMLInputElement;
  element: HTMLElement;
}

/**
 * The images of a post being written: chosen with the file picker, dropped on the composer, or pasted. Each is
 * uploaded at once and shown from the server's preview (never from the page), with a box for its alt text; the alt
 * text is saved when the post is sent.
 */
export function attachments(onChange: () => void) {
  const items: Attachment[] = [];
  let uploading = 0;
  const error = alertLine();
  const picker = h('input', {
    class: 'visually-hidden',
    attrs: { type: 'file', accept: ACCEPTED.join(','), multiple: '', 'aria-label': 'Add images' },
  });
  const choose = h('button', { class: 'primary secondary attach', attrs: { type: 'button' } }, 'Add images');
  choose.addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    add([...(picker.files ?? [])]);
    picker.value = '';
  });
  const grid = h('ul', { class: 'attachments', attrs: { 'aria-label': 'Images to post' } });

  const changed = () => {
    choose.disabled = items.length + uploading >= MAX_ATTACHMENTS;
    onChange();
  };

  async function upload(file: File) {
    uploading += 1;
    changed();
    try {
      const form = new FormData();
      form.append('file', file, file.name || 'image');
      const media = await call<MediaJson>('POST', '/api/v2/media', { form });
      const preview = serverImage(media.preview_url, '', { class: 'attachment-preview' });
      const alt = h('input', {
        class: 'alt-text',
        attrs: { type: 'text', maxlength: '1500', 'aria-label': `Alt text for ${file.name || 'the image'}` },
      });
      const remove = h('button', { class: 'action', attrs: { type: 'button' } }, 'Remove');
      const element = h('li', { class: 'attachment' }, preview ?? '', alt, remove);
      const item = { media, alt, element };
      remove.addEventListener('click', () => {
        items.splice(items.indexOf(item), 1);
        element.remove();
        changed();
      });
      items.push(item);
      grid.append(element);
    } catch (failure) {
      error.show(describeError(`add ${file.name || 'the image'}`, failure));
    } finally {
      uploading -= 1;
      changed();
    }
  }

  function add(files: File[]) {
    error.show(null);
    const images = files.filter((file) => ACCEPTED.includes(file.type));
    if (images.length < files.length) error.show('Only JPEG, PNG, WebP and GIF images can be added.');
    const room = MAX_ATTACHMENTS - items.length - uploading;
    if (images.length > room) error.show(`A post takes at most ${MAX_ATTACHMENTS} images.`);
    for (const file of images.slice(0, Math.max(0, room))) void upload(file);
  }

  /** Drag and drop onto `target`, and pasting images into it. */
  function accept(target: HTMLElement) {
    target.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      target.classList.add('dropping');
    });
    target.addEventListener('dragleave', () => target.classList.remove('dropping'));
    target.addEventListener('drop', (event) => {
      target.classList.remove('dropping');
      if (!event.dataTransfer?.files.length) return;
      event.preventDefault();
      add([...event.dataTransfer.files]);
    });
    target.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      add(files);
    });
  }

  return {
    element: h('div', { class: 'attachments-box' }, grid, error),
    controls: h('span', { class: 'attach-controls' }, picker, choose),
    accept,
    get count() {
      return items.length;
    },
    get busy() {
      return uploading > 0;
    },
    /** Saves the alt texts typed, then answers the ids to post, in order. */
    async finish(): Promise<string[]> {
      for (const item of items) {
        const description = item.alt.value.trim();
        if (description !== (item.media.description ?? '')) {
          item.media = await call<MediaJson>('PUT', `/api/v1/media/${item.media.id}`, {
            body: { description },
          });
        }
      }
      return items.map((item) => item.media.id);
    },
    clear() {
      for (const item of items.splice(0)) item.element.remove();
      changed();
    },
  };
}
