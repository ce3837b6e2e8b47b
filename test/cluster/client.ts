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
  options: { token?: string; body?: unknown; read?: (body: unknown) => T } = {},
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
      value: ok && options.read ? options.read(text ? JSON.parse(text) : null) : null,
    };
  } catch {
    return { ok: false, failed: true, status: 0, server: null, value: null };
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the test's view of a JSON body
type Json = any;

export function clusterClient(base: string) {
  return {
    signUp: (handle: string) =>
      call<Account>(base, 'POST', '/api/v1/accounts', {
        body: { handle, password: 'correct horse battery' },
        read: (body: Json) => ({ id: body.account.id, handle, token: body.token }),
      }),
    /** The new tweet's id. */
    post: (who: Account, text: string) =>
      call<string>(base, 'POST', '/api/v1/tweets', {
        token: who.token,
        body: { text },
        read: (body: Json) => body.id as string,
      }),
    delete: (who: Account, tweetId: string) =>
      call<true>(base, 'DELETE', `/api/v1/tweets/${tweetId}`, { token: who.token, read: () => true }),
    follow: (who: Account, whom: Account) =>
      call<true>(base, 'PUT', `/api/v1/accounts/${whom.handle}/follow`, {
        token: who.token,
        read: () => true,
      }),
    unfollow: (who: Account, whom: Account) =>
      call<true>(base, 'DELETE', `/api/v1/accounts/${whom.handle}/follow`, {
        token: who.token,
        read: () => true,
      }),
    /** Tweet search: served by the read replica when it is up and caught up. */
    search: (q: string) =>
      call<true>(base, 'GET', `/api/v1/search/tweets?q=${encodeURIComponent(q)}`, { read: () => true }),
    /** Ids of the first `limit` tweets of the home timeline, newest first (paged through, 100 at a time). */
    async home(who: Account, limit: number): Promise<Outcome<string[]>> {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const query: string = `limit=${Math.min(100, limit - ids.length)}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await call<{ ids: string[]; next: string | null }>(
          base,
          'GET',
          `/api/v1/timelines/home?${query}`,
          {
            token: who.token,
            read: (body: Json) => ({
              ids: body.tweets.map((t: { id: string }) => t.id),
              next: body.next_cursor ?? null,
            }),
          },
        );
        if (!page.value) return { ...page, value: null };
        ids.push(...page.value.ids);
        cursor = page.value.next;
        if (!cursor || ids.length >= limit) return { ...page, value: ids };
      }
    },
  };
}

export type ClusterClient = ReturnType<typeof clusterClient>;
