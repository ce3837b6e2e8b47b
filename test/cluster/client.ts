/**
 * Every HTTP call the cluster tests make, in one place, so moving them to other routes is one file's change. Each
 * call says what happened — done, refused (4xx), or failed (5xx or no answer) — and which `api` process answered
 * (HAProxy's X-Starling-Server), instead of throwing: under a fault, failures are data.
 */
export interface Outcome<T> {
  ok: boolean;
  /** 5xx, or no HTTP answer at all (connection reset, timeout). */
  failed: boolean;
  status: number;
  server: string | null;
  value: T | null;
}

export interface Account {
  id: string;
  handle: string;
  token: string;
}

const TIMEOUT_MS = 10_000;

async function call<T>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; read?: (body: unknown, headers: Headers) => T } = {},
): Promise<Outcome<T>> {
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    const ok = response.ok;
    return {
      ok,
      failed: response.status >= 500,
      status: response.status,
      server: response.headers.get('x-starling-server'),
      value: ok && options.read ? options.read(text ? JSON.parse(text) : null, response.headers) : null,
    };
  } catch {
    return { ok: false, failed: true, status: 0, server: null, value: null };
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the test's view of a JSON body
type Json = any;

/** The `max_id` of a Link header's `rel="next"`, or null at the end. */
function nextMaxId(headers: Headers): string | null {
  const next = /<([^>]+)>;\s*rel="next"/.exec(headers.get('link') ?? '')?.[1];
  return next ? new URL(next).searchParams.get('max_id') : null;
}

export function clusterClient(base: string) {
  // Accounts are registered as a client app registers them: with the app's own token.
  let appToken: Promise<string> | undefined;
  const registrar = () => {
    appToken ??= (async () => {
      const scope = 'read write follow';
      const app = await call<Json>(base, 'POST', '/api/v1/apps', {
        body: { client_name: 'cluster tests', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: scope },
        read: (body) => body,
      });
      if (!app.value) throw new Error(`could not register the test app (${app.status})`);
      const token = await call<string>(base, 'POST', '/oauth/token', {
        body: {
          grant_type: 'client_credentials',
          client_id: app.value.client_id,
          client_secret: app.value.client_secret,
          scope,
        },
        read: (body: Json) => body.access_token as string,
      });
      if (!token.value) throw new Error(`could not get the test app's token (${token.status})`);
      return token.value;
    })();
    appToken.catch(() => {
      appToken = undefined;
    });
    return appToken;
  };
  return {
    async signUp(handle: string): Promise<Outcome<Account>> {
      const token = await call<string>(base, 'POST', '/api/v1/accounts', {
        token: await registrar(),
        body: { username: handle, password: 'correct horse battery', agreement: true },
        read: (body: Json) => body.access_token as string,
      });
      if (!token.value) return { ...token, value: null };
      const me = await call<string>(base, 'GET', '/api/v1/accounts/verify_credentials', {
        token: token.value,
        read: (body: Json) => body.id as string,
      });
      return me.value
        ? { ...me, value: { id: me.value, handle, token: token.value } }
        : { ...me, value: null };
    },
    /** The new tweet's id. */
    post: (who: Account, text: string) =>
      call<string>(base, 'POST', '/api/v1/statuses', {
        token: who.token,
        body: { status: text },
        read: (body: Json) => body.id as string,
      }),
    delete: (who: Account, tweetId: string) =>
      call<true>(base, 'DELETE', `/api/v1/statuses/${tweetId}`, { token: who.token, read: () => true }),
    follow: (who: Account, whom: Account) =>
      call<true>(base, 'POST', `/api/v1/accounts/${whom.id}/follow`, { token: who.token, read: () => true }),
    unfollow: (who: Account, whom: Account) =>
      call<true>(base, 'POST', `/api/v1/accounts/${whom.id}/unfollow`, {
        token: who.token,
        read: () => true,
      }),
    /** Tweet search: served by the read replica when it is up and caught up. */
    search: (q: string) =>
      call<true>(base, 'GET', `/api/v2/search?type=statuses&q=${encodeURIComponent(q)}`, {
        read: () => true,
      }),
    /** Ids of the first `limit` tweets of the home timeline, newest first (paged through its Link header). */
    async home(who: Account, limit: number): Promise<Outcome<string[]>> {
      const ids: string[] = [];
      let maxId: string | null = null;
      for (;;) {
        const query: string = `limit=${Math.min(40, limit - ids.length)}${maxId ? `&max_id=${maxId}` : ''}`;
        const page = await call<{ ids: string[]; next: string | null }>(
          base,
          'GET',
          `/api/v1/timelines/home?${query}`,
          {
            token: who.token,
            read: (body: Json, headers) => ({
              ids: body.map((status: { id: string }) => status.id),
              next: nextMaxId(headers),
            }),
          },
        );
        if (!page.value) return { ...page, value: null };
        ids.push(...page.value.ids);
        maxId = page.value.next;
        if (!maxId || ids.length >= limit) return { ...page, value: ids };
      }
    },
  };
}

export type ClusterClient = ReturnType<typeof clusterClient>;
