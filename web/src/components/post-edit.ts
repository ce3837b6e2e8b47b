import { call, type StatusEditJson, type StatusJson } from '../api.js';
import { h } from '../dom.js';
import { DEFAULT_MAX_CHARACTERS } from '../instance.js';
import { statusContent } from '../rich-text.js';
import { timeLabel } from '../time.js';
import { measure } from './composer.js';
import { mediaGrid } from './media-grid.js';
import { alertLine, describeError } from './notice.js';

/**
 * Editing one's own post in place: the text as written (from `/source`) in a box with the same count as posting,
 * Save sends the edit, and the card is drawn again from what the server answers.
 */
export function editForm(
  status: StatusJson,
  onSaved: (status: StatusJson) => void,
  onCancel: () => void,
): HTMLFormElement {
  const input = h('textarea', {
    class: 'compose-text',
    attrs: { rows: '3', 'aria-label': 'Edit your post' },
  });
  const counter = h('span', { class: 'counter' });
  const save = h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Save');
  const cancel = h('button', { class: 'secondary', attrs: { type: 'button' } }, 'Cancel');
  const error = alertLine();
  const update = () => {
    const { weightedLength, valid } = measure(input.value);
    counter.textContent = String(DEFAULT_MAX_CHARACTERS - weightedLength);
    save.disabled = !(valid || (status.media_attachments.length > 0 && input.value.trim() === ''));
  };
  input.disabled = true;
  call<{ text: string }>('GET', `/api/v1/statuses/${status.id}/source`).then(
    (source) => {
      input.value = source.text;
      input.disabled = false;
      update();
      input.focus();
    },
    (failure) => error.show(describeError('load the post to edit', failure)),
  );
  input.addEventListener('input', update);
  cancel.addEventListener('click', onCancel);
  const form = h(
    'form',
    {
      class: 'composer edit-form',
      on: {
        submit: async (event) => {
          event.preventDefault();
          save.disabled = true;
          error.show(null);
          try {
            onSaved(
              await call<StatusJson>('PUT', `/api/v1/statuses/${status.id}`, {
                body: { status: input.value },
              }),
            );
          } catch (failure) {
            error.show(describeError('save the edit', failure));
            update();
          }
        },
      },
    },
    input,
    h('div', { class: 'compose-bar' }, counter, cancel, save),
    error,
  );
  form.addEventListener('click', (event) => event.stopPropagation());
  update();
  return form;
}

/**
 * "Edited" beside the time (`button`); pressing it opens `panel`, every version oldest first, as the server keeps
 * them.
 */
export function editedMarker(status: StatusJson): { button: HTMLElement; panel: HTMLElement } | null {
  if (!status.edited_at) return null;
  const when = timeLabel(status.edited_at);
  const history = h('ol', { class: 'history', attrs: { 'aria-label': 'Edit history' } });
  history.hidden = true;
  const button = h(
    'button',
    {
      class: 'link-button edited',
      attrs: { type: 'button', 'aria-expanded': 'false', title: `Edited ${when.full}` },
    },
    'Edited',
  );
  button.addEventListener('click', async (event) => {
    event.stopPropagation();
    const open = history.hidden;
    history.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (!open || history.childElementCount > 0) return;
    try {
      const versions = await call<StatusEditJson[]>('GET', `/api/v1/statuses/${status.id}/history`);
      history.replaceChildren(
        ...versions.map((version, i) =>
          h(
            'li',
            { class: 'version' },
            h(
              'p',
              { class: 'muted' },
              i === 0 ? 'Original' : `Edit ${i}`,
              ' · ',
              h('time', { attrs: { datetime: version.created_at } }, timeLabel(version.created_at).full),
            ),
            version.spoiler_text ? h('p', { class: 'spoiler' }, version.spoiler_text) : '',
            h('div', { class: 'text' }, statusContent(version.content, status.mentions)),
            mediaGrid(version.media_attachments) ?? '',
          ),
        ),
      );
    } catch (failure) {
      history.replaceChildren(h('li', { class: 'muted' }, describeError('load the history', failure)));
    }
  });
  return { button, panel: history };
}
