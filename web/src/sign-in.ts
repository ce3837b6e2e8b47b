import { type AccountJson, ApiError, call, type TokenJson } from './api.js';
import { navigate } from './router.js';
import { currentSession, saveSession } from './session.js';

/**
 * The web client signs in as any Mastodon client does: it registers itself as an app once (kept in localStorage),
 * creates accounts with the app's own token, and gets the account's token from the password grant.
 */
const APP_KEY = 'starling.app';
const SCOPES = 'read write follow push';

interface ClientApp {
  client_id: string;
  client_secret: string;
}

async function registeredApp(fresh = false): Promise<ClientApp> {
  if (!fresh) {
    try {
      const kept = JSON.parse(localStorage.getItem(APP_KEY) ?? 'null') as Partial<ClientApp> | null;
      if (typeof kept?.client_id === 'string' && typeof kept.client_secret === 'string')
        return kept as ClientApp;
    } catch {
      // Unreadable: register again.
    }
  }
  const app = await call<ClientApp>('POST', '/api/v1/apps', {
    anonymous: true,
    body: {
      client_name: 'Starling web',
      redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
      scopes: SCOPES,
      website: window.location.origin,
    },
  });
  localStorage.setItem(
    APP_KEY,
    JSON.stringify({ client_id: app.client_id, client_secret: app.client_secret }),
  );
  return app;
}

/** Runs `work` with the app; if the server no longer knows it (its data was reset), registers again, once. */
async function withApp<T>(work: (app: ClientApp) => Promise<T>): Promise<T> {
  try {
    return await work(await registeredApp());
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'invalid_client') throw error;
    return work(await registeredApp(true));
  }
}

async function start(token: string): Promise<void> {
  const account = await call<AccountJson>('GET', '/api/v1/accounts/verify_credentials', { token });
  saveSession({ token, account });
}

export async function signIn(handle: string, password: string): Promise<void> {
  const token = await withApp((app) =>
    call<TokenJson>('POST', '/oauth/token', {
      anonymous: true,
      body: { grant_type: 'password', ...app, username: handle, password, scope: SCOPES },
    }),
  );
  await start(token.access_token);
}

export async function signUp(input: {
  handle: string;
  password: string;
  displayName?: string;
}): Promise<void> {
  const token = await withApp(async (app) => {
    const appToken = await call<TokenJson>('POST', '/oauth/token', {
      anonymous: true,
      body: { grant_type: 'client_credentials', ...app, scope: SCOPES },
    });
    return call<TokenJson>('POST', '/api/v1/accounts', {
      token: appToken.access_token,
      body: {
        username: input.handle,
        password: input.password,
        agreement: true,
        locale: navigator.language,
        ...(input.displayName ? { display_name: input.displayName } : {}),
      },
    });
  });
  await start(token.access_token);
}

/** Ends the session on the server (best effort) and here, and shows the sign-in page. */
export async function signOut(): Promise<void> {
  const session = currentSession();
  if (session) {
    try {
      await withApp((app) =>
        call('POST', '/oauth/revoke', { anonymous: true, body: { ...app, token: session.token } }),
      );
    } catch {
      // Signed out here either way; a token the server already dropped is no loss.
    }
  }
  navigate('/login');
  saveSession(null);
}
