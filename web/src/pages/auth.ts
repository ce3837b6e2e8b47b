import { alertLine, describeError } from '../components/notice.js';
import { h, link } from '../dom.js';
import { navigate, type ViewContext } from '../router.js';
import { signIn, signUp } from '../sign-in.js';

function field(label: string, input: HTMLInputElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : '');
}

/** Sign in (`/login`) or sign up (`/signup`); both end with a token kept in localStorage and the home page. */
export function authView(mode: 'login' | 'signup') {
  return ({ root, query }: ViewContext) => {
    const handle = h('input', {
      attrs: {
        name: 'handle',
        autocomplete: 'username',
        required: '',
        maxlength: '15',
        pattern: '[A-Za-z0-9_]{1,15}',
        autocapitalize: 'none',
        spellcheck: 'false',
      },
    });
    const displayName = h('input', {
      attrs: { name: 'display_name', autocomplete: 'name', maxlength: '50' },
    });
    const password = h('input', {
      attrs: {
        name: 'password',
        type: 'password',
        required: '',
        minlength: mode === 'signup' ? '8' : '1',
        autocomplete: mode === 'signup' ? 'new-password' : 'current-password',
      },
    });
    const submit = h(
      'button',
      { class: 'primary', attrs: { type: 'submit' } },
      mode === 'signup' ? 'Sign up' : 'Sign in',
    );
    const error = alertLine();

    const form = h(
      'form',
      {
        class: 'card auth',
        on: {
          submit: async (event) => {
            event.preventDefault();
            submit.disabled = true;
            error.show(null);
            try {
              if (mode === 'signup') {
                const name = displayName.value.trim();
                await signUp({
                  handle: handle.value.trim(),
                  password: password.value,
                  ...(name ? { displayName: name } : {}),
                });
              } else {
                await signIn(handle.value.trim(), password.value);
              }
              const next = query.get('next');
              navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
            } catch (failure) {
              error.show(describeError(mode === 'signup' ? 'sign up' : 'sign in', failure));
            } finally {
              submit.disabled = false;
            }
          },
        },
      },
      h('h1', {}, mode === 'signup' ? 'Create your account' : 'Sign in to Starling'),
      field('Handle', handle, mode === 'signup' ? 'Letters, digits and _; up to 15.' : undefined),
      mode === 'signup' ? field('Display name', displayName, 'Optional.') : '',
      field('Password', password, mode === 'signup' ? 'At least 8 characters.' : undefined),
      error,
      submit,
      h(
        'p',
        { class: 'muted' },
        mode === 'signup' ? 'Have an account? ' : 'New here? ',
        link(
          mode === 'signup' ? '/login' : '/signup',
          {},
          mode === 'signup' ? 'Sign in' : 'Create an account',
        ),
      ),
    );
    root.append(form);
    handle.focus();
  };
}
