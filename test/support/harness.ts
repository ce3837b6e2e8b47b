import { type App, createApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { TestClock } from './clock.js';
import { resetDatabase, sharedPglite } from './database.js';

export interface Harness {
  app: App;
  clock: TestClock;
  /** Runs the relay and the fanout workers until the log is empty. */
  drain(): Promise<void>;
  call(
    method: string,
    url: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply>;
  signUp(handle: string): Promise<User>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // Tests read whatever shape the route returns.
  // biome-ignore lint/suspicious/noExplicitAny: a test's view of a JSON body
  body: any;
}

export interface User {
  id: string;
  handle: string;
  token: string;
}

/** Configuration for tests: embedded defaults, cheap password hashing, overridable per test. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), scrypt: { logN: 10, r: 8, p: 1 }, rateLimits: null, ...overrides };
}

/**
 * A Starling in embedded mode on the worker's shared PGlite (emptied first), with a clock the test drives and the
 * background loops off: the test drains the workers when it wants fanout to have happened.
 */
export async function startHarness(
  overrides: Partial<Config> = {},
  clock = new TestClock(),
): Promise<Harness> {
  const sql = await sharedPglite();
  await resetDatabase(sql);
  const app = await createApp(testConfig(overrides), { role: 'all', sql, clock, logger: false });
  return harnessFor(app, clock);
}

export function harnessFor(app: App, clock: TestClock): Harness {
  const call: Harness['call'] = async (method, url, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await app.http.inject({
      method: method as 'GET',
      url,
      headers,
      ...(options.body === undefined
        ? {}
        : typeof options.body === 'string'
          ? { payload: options.body, headers: { 'content-type': 'application/json', ...headers } }
          : { payload: options.body as object }),
    });
    const text = response.body;
    let body: unknown = text;
    if ((response.headers['content-type'] ?? '').toString().includes('json') && text) body = JSON.parse(text);
    return { status: response.statusCode, headers: response.headers, body };
  };
  return {
    app,
    clock,
    drain: () => app.workers.drain(),
    call,
    async signUp(handle) {
      const reply = await call('POST', '/api/v1/accounts', {
        body: { handle, password: 'correct horse battery' },
      });
      if (reply.status !== 201) throw new Error(`sign-up of ${handle} failed: ${JSON.stringify(reply.body)}`);
      return { id: reply.body.account.id, handle, token: reply.body.token };
    },
    close: () => app.close(),
  };
}
