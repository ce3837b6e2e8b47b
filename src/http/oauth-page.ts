import type { ClientApp } from '../domain/model.js';
import { escapeHtml as e } from './presenters/content.js';

/**
 * The sign-in and consent page of `GET /oauth/authorize`: plain HTML with no script, posting back to itself. The
 * request's parameters travel as hidden fields, so nothing is remembered between the two requests.
 */

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #15171a; }
  main { max-width: 24rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 12px;
         box-shadow: 0 1px 3px rgb(0 0 0 / 12%); }
  h1 { font-size: 1.35rem; margin: 0 0 1rem; }
  label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .6rem; font: inherit;
         border: 1px solid #b8bec7; border-radius: 8px; }
  ul { padding-left: 1.2rem; } .error { color: #b3261e; font-weight: 600; }
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
  button { flex: 1; min-height: 44px; font: inherit; font-weight: 600; border-radius: 8px; border: 0; cursor: pointer; }
  button[value=approve] { background: #1d6fe0; color: #fff; } button[value=deny] { background: #e4e7eb; }
  code { font-size: 1.1rem; word-break: break-all; background: #eef1f4; padding: .5rem; display: block; }
  @media (prefers-color-scheme: dark) { body { background: #111316; color: #e8eaed; }
    main { background: #1c1f23; } input { background: #111316; color: inherit; } code { background: #111316; } }`;

const SCOPE_WORDS: Record<string, string> = {
  read: 'read your account, timelines and posts',
  write: 'post, like, retweet and change your account',
  follow: 'follow and unfollow people',
  push: 'receive push notifications',
  profile: 'see your profile',
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(title)} · Starling</title>
<meta name="referrer" content="no-referrer"><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export interface ConsentForm {
  app: ClientApp;
  scopes: string[];
  /** Every parameter of the authorization request, to be posted back as it came. */
  hidden: Record<string, string>;
  handle?: string;
  error?: string;
}

export function consentPage({ app, scopes, hidden, handle = '', error }: ConsentForm): string {
  const fields = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`)
    .join('');
  const wants = scopes.map((scope) => `<li>${e(SCOPE_WORDS[scope] ?? scope)}</li>`).join('');
  return page(
    `Authorize ${app.name}`,
    `<h1>Sign in to let <strong>${e(app.name)}</strong> use your Starling account</h1>
<p>It will be able to:</p><ul>${wants}</ul>
${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}
<form method="post" action="/oauth/authorize">${fields}
<label for="handle">Handle</label>
<input type="text" id="handle" name="handle" autocomplete="username" autocapitalize="none" required value="${e(handle)}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<div class="actions"><button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
<button type="submit" name="decision" value="approve">Authorize</button></div></form>`,
  );
}

/** For clients without a redirect (`urn:ietf:wg:oauth:2.0:oob`): the code to paste into the app. */
export function codePage(app: ClientApp, code: string): string {
  return page(
    'Authorization code',
    `<h1>Copy this code into ${e(app.name)}</h1><code id="code">${e(code)}</code>`,
  );
}

export function errorPage(message: string): string {
  return page(
    'Cannot authorize',
    `<h1>This sign-in link does not work</h1><p class="error">${e(message)}</p>`,
  );
}
