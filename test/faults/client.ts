import { randomUUID } from 'node:crypto';

/**
 * The fault tests' only door into the public API: every HTTP call they make goes through here (so moving to other
 * routes changes this file alone), and every write is recorded in a {@link History} with what the client can know
 * of its outcome.
 */

/** A client never waits longer than this; a request still open then has hung (what a timeout exists to prevent). */
export const REQUEST_DEADLINE_MS = 5_000;

/**
 * `ok`: the server said it was done (2xx). `failed`: it never happened — refused (4xx), or the connection never
 * opened. `unknown`: it may have happened — a 503, or a connection lost after the request went out. `error`: a 5xx
 * other than 503 (a bug). `hung`: no answer within the deadline.
 */
export type Outcome = 'ok' | 'failed' | 'unknown' | 'error' | 'hung';

export interface Operation {
  kind: 'sign-up' | 'post' | 'delete' | 'follow' | 'unfollow' | 'read';
  outcome: Outcome;
  status: number | null;
  /** How long the client waited. */
  ms: number;
  /** A post's text (unique), or the tweet id a delete names, or the handle a follow names. */
  subject: string;
  /** What the server answered with: a post's id. */
  id?: string;
}

export class History {
  readonly operations: Operation[] = [];
  record(operation: Operation) {
    this.operations.push(operation);
    return operation;
  }
  of(kind: Operation['kind'], outcome?: Outcome) {
    return this.operations.filter((o) => o.kind === kind && (outcome === undefined || o.outcome === outcome));
  }
  /** Operations that answered 5xx other than 503, or never answered. */
  get broken() {
    return this.operations.filter((o) => o.outcome === 'error' || o.outcome === 'hung');
  }
  get slowestMs() {
    return Math.max(0, ...this.operations.map((o) => o.ms));
  }
  /** Outcome counts, for failure messages and reports. */
  summary() {
    const counts: Record<string, number> = {};
    for (const o of this.operations)
      counts[`${o.kind}:${o.outcome}`] = (counts[`${o.kind}:${o.outcome}`] ?? 0) + 1;
    return counts;
  }
}

export interface Account {
  handle: string;
  token: string;
  id: string;
}

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a test's view of a JSON body
  body: any;
  link: string | null;
}

/** What a fetch that threw says about whether the request reached the server. */
function thrownOutcome(error: unknown): Outcome {
  const cause = (error as { cause?: { code?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'hung';
  // Refused or unreachable: nothing was sent.
  if (cause?.code === 'ECONNREFUSED') return 'failed';
  return 'unknown';
}

/** `apis`: the api processes' addresses, or a function that says which are up now (as a load balancer knows). */
export function createClient(apis: readonly string[] | (() => readonly string[]), history = new History()) {
  let next = 0;
  /** Requests go round the api processes, as a load balancer would send them. */
  const base = () => {
    const up = typeof apis === 'function' ? apis() : apis;
    return up[next++ % up.length] as string;
  };

  async function call(method: string, path: string, token?: string, body?: unknown, at = base()) {
    const started = performance.now();
    try {
      const response = await fetch(`${at}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
      });
      const text = await response.text();
      const reply: Reply = {
        status: response.status,
        body: text ? JSON.parse(text) : null,
        link: response.headers.get('link'),
      };
      const s = reply.status;
      const outcome: Outcome = s < 300 ? 'ok' : s === 503 ? 'unknown' : s < 500 ? 'failed' : 'error';
      return { reply, outcome, ms: performance.now() - started };
    } catch (error) {
      return { reply: null, outcome: thrownOutcome(error), ms: performance.now() - started };
    }
  }

  const write = async (
    kind: Operation['kind'],
    subject: string,
    request: Promise<Awaited<ReturnType<typeof call>>>,
  ) => {
    const { reply, outcome, ms } = await request;
    const id = reply?.body?.id;
    return history.record({
      kind,
      outcome,
      status: reply?.status ?? null,
      ms,
      subject,
      ...(typeof id === 'string' ? { id } : {}),
    });
  };

  // Accounts are registered as a client app registers them, with the app's own token.
  let appToken: Promise<string> | undefined;
  async function registrationToken(): Promise<string> {
    const app = await call('POST', '/api/v1/apps', undefined, {
      client_name: 'fault tests',
      redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
      scopes: 'read write follow',
    });
    const { client_id, client_secret } = app.reply?.body ?? {};
    const grant = { grant_type: 'client_credentials', client_id, client_secret, scope: 'read write follow' };
    const token = (await call('POST', '/oauth/token', undefined, grant)).reply?.body?.access_token;
    if (typeof token !== 'string') throw new Error('no app token');
    return token;
  }

  return {
    history,
    /** Signs up; throws unless it worked (set-up, not an operation under test). */
    async signUp(handle: string, at?: string): Promise<Account> {
      appToken ??= registrationToken();
      const { reply } = await call(
        'POST',
        '/api/v1/accounts',
        await appToken,
        { username: handle, password: 'correct horse battery', agreement: true },
        at,
      );
      if (reply?.status !== 200) throw new Error(`sign-up of ${handle}: ${JSON.stringify(reply)}`);
      const token = reply.body.access_token as string;
      const me = await call('GET', '/api/v1/accounts/verify_credentials', token, undefined, at);
      return { handle, token, id: me.reply?.body.id as string };
    },
    /** Posts a status with a text no other post has; the operation says whether it was stored. */
    post(author: Account, at?: string, text = `t-${randomUUID()}`) {
      return write('post', text, call('POST', '/api/v1/statuses', author.token, { status: text }, at));
    },
    delete(author: Account, tweetId: string, at?: string) {
      return write(
        'delete',
        tweetId,
        call('DELETE', `/api/v1/statuses/${tweetId}`, author.token, undefined, at),
      );
    },
    follow(follower: Account, followee: Account, at?: string) {
      return write(
        'follow',
        followee.handle,
        call('POST', `/api/v1/accounts/${followee.id}/follow`, follower.token, undefined, at),
      );
    },
    unfollow(follower: Account, followee: Account, at?: string) {
      return write(
        'unfollow',
        followee.handle,
        call('POST', `/api/v1/accounts/${followee.id}/unfollow`, follower.token, undefined, at),
      );
    },
    /** One page of the home timeline, recorded as a read (an outage may fail it; it must never be a 500). */
    async homePage(reader: Account, limit = 20, at?: string) {
      const { reply, outcome, ms } = await call(
        'GET',
        `/api/v1/timelines/home?limit=${limit}`,
        reader.token,
        undefined,
        at,
      );
      history.record({ kind: 'read', outcome, status: reply?.status ?? null, ms, subject: reader.handle });
      return outcome === 'ok' && reply ? (reply.body as { id: string }[]).map((s) => s.id) : null;
    },
    /** The whole home timeline, page by page through the Link header (`limit` a page); throws unless all served. */
    async home(reader: Account, limit = 5, at?: string): Promise<string[]> {
      const ids: string[] = [];
      let path: string | null = `/api/v1/timelines/home?limit=${limit}`;
      while (path !== null) {
        const { reply } = await call('GET', path, reader.token, undefined, at);
        if (reply?.status !== 200) throw new Error(`home of ${reader.handle}: ${JSON.stringify(reply)}`);
        ids.push(...(reply.body as { id: string }[]).map((s) => s.id));
        const next = /<([^>]+)>;\s*rel="next"/.exec(reply.link ?? '')?.[1];
        path = next && reply.body.length > 0 ? new URL(next).pathname + new URL(next).search : null;
      }
      return ids;
    },
    /** An account's public counts. */
    async counts(account: Account, at?: string) {
      const { reply } = await call('GET', `/api/v1/accounts/${account.id}`, undefined, undefined, at);
      return reply?.body as { statuses_count: number; followers_count: number; following_count: number };
    },
  };
}

export type Client = ReturnType<typeof createClient>;
