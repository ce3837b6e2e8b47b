import { type CredentialAccountJson, call } from '../api.js';
import { avatar, h, localPreview, serverImage } from '../dom.js';
import { currentSession, saveSession } from '../session.js';
import { alertLine, describeError } from './notice.js';

/**
 * Editing one's own profile: name, bio, avatar and header. A chosen image is previewed from the reader's own disk
 * before it is sent; Save sends everything in one multipart `update_credentials`, and the page is drawn again from
 * the server's answer.
 */
export function profileForm(onSaved: (account: CredentialAccountJson) => void, onCancel: () => void) {
  const name = h('input', { attrs: { type: 'text', id: 'profile-name', maxlength: '50' } });
  const bio = h('textarea', { attrs: { id: 'profile-bio', rows: '4', maxlength: '500' } });
  const avatarInput = h('input', { attrs: { type: 'file', id: 'profile-avatar', accept: 'image/*' } });
  const headerInput = h('input', { attrs: { type: 'file', id: 'profile-header', accept: 'image/*' } });
  const avatarPreview = h('div', { class: 'preview avatar-preview' });
  const headerPreview = h('div', { class: 'preview header-preview' });
  const save = h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Save profile');
  const cancel = h('button', { class: 'secondary', attrs: { type: 'button' } }, 'Cancel');
  const error = alertLine();
  save.disabled = true;

  call<CredentialAccountJson>('GET', '/api/v1/accounts/verify_credentials').then(
    (me) => {
      name.value = me.display_name;
      bio.value = me.source.note;
      avatarPreview.replaceChildren(avatar(me, 'large'));
      headerPreview.replaceChildren(
        serverImage(me.header, 'Current header', { class: 'header-image' }) ?? '',
      );
      save.disabled = false;
    },
    (failure) => error.show(describeError('load your profile', failure)),
  );
  const preview = (input: HTMLInputElement, box: HTMLElement, alt: string, cls: string) =>
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) box.replaceChildren(localPreview(file, alt, { class: cls }));
    });
  preview(avatarInput, avatarPreview, 'New avatar (preview)', 'avatar large');
  preview(headerInput, headerPreview, 'New header (preview)', 'header-image');
  cancel.addEventListener('click', onCancel);

  const field = (label: string, id: string, ...control: Node[]) =>
    h('div', { class: 'field' }, h('label', { attrs: { for: id } }, label), ...control);
  return h(
    'form',
    {
      class: 'card profile-form',
      on: {
        submit: async (event) => {
          event.preventDefault();
          save.disabled = true;
          error.show(null);
          const form = new FormData();
          form.append('display_name', name.value);
          form.append('note', bio.value);
          const avatarFile = avatarInput.files?.[0];
          const headerFile = headerInput.files?.[0];
          if (avatarFile) form.append('avatar', avatarFile, avatarFile.name);
          if (headerFile) form.append('header', headerFile, headerFile.name);
          try {
            const me = await call<CredentialAccountJson>('PATCH', '/api/v1/accounts/update_credentials', {
              form,
            });
            const session = currentSession();
            if (session) saveSession({ ...session, account: me });
            onSaved(me);
          } catch (failure) {
            error.show(describeError('save your profile', failure));
            save.disabled = false;
          }
        },
      },
    },
    h('h2', {}, 'Edit profile'),
    field('Display name', 'profile-name', name),
    field('Bio', 'profile-bio', bio),
    field('Avatar', 'profile-avatar', avatarInput, avatarPreview),
    field('Header', 'profile-header', headerInput, headerPreview),
    h('div', { class: 'compose-bar' }, cancel, save),
    error,
  );
}
