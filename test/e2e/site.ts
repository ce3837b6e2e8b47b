import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { resetDatabase, sharedPglite } from '../support/database.js';
import { testConfig } from '../support/harness.js';
import { CHROMIUM_ARGS, chromiumPath } from './browser.js';

/**
 * Screenshots for the README go into docs/screenshots when the tests run on a developer's machine; in CI into a
 * scratch folder, so a run never rewrites tracked files.
 */
export const SHOTS = process.env.CI === 'true' ? join(tmpdir(), 'starling-screenshots') : 'docs/screenshots';
const PASSWORD = 'correct horse battery';
/** Generous: the first page of a cold Chromium on a busy two-core machine. */
const UI_WAIT_MS = 15_000;

export { PASSWORD };

export interface Account {
  id: string;
  handle: string;
  token: string;
}

type ContextOptions = Parameters<Browser['newContext']>[0];

/**
 * A real Starling (embedded mode, background workers running, so fanout happens live) on an ephemeral port, the web
 * bundle built from the current sources, and a Chromium to look at it with.
 */
export class Site {
  private readonly contexts: BrowserContext[] = [];
  /** Uncaught exceptions and dialogs in any page since the last {@link endTest}. */
  private readonly problems: string[] = [];

  private constructor(
    readonly app: App,
    readonly base: string,
    private readonly browser: Browser,
  ) {}

  static async start(executablePath: string): Promise<Site> {
    await promisify(execFile)(process.execPath, ['scripts/build-web.js']);
    await mkdir(SHOTS, { recursive: true });
    const sql = await sharedPglite();
    await resetDatabase(sql);
    const app = await createApp(testConfig(), { role: 'all', sql, logger: false });
    await app.start();
    const base = await app.http.listen({ port: 0, host: '127.0.0.1' });
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    return new Site(app, base, browser);
  }

  /** Closes the test's pages; returns the problems they had (a test expects none). */
  async endTest(): Promise<string[]> {
    for (const context of this.contexts.splice(0)) await context.close();
    return this.problems.splice(0);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.app.close();
  }

  /** A call to the API; `path` is the whole path (`/api/v1/…`, `/oauth/…`). */
  // biome-ignore lint/suspicious/noExplicitAny: a test's view of a JSON body
  async api<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private appToken: Promise<string> | undefined;

  /** Accounts are made as any client app makes them: an app, its own token, then the registration call. */
  async signUp(handle: string, displayName?: string): Promise<Account> {
    this.appToken ??= (async () => {
      const app = await this.api('POST', '/api/v1/apps', undefined, {
        client_name: 'browser tests',
        redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
        scopes: 'read write follow push',
      });
      const token = await this.api('POST', '/oauth/token', undefined, {
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
        scope: 'read write follow push',
      });
      return token.access_token as string;
    })();
    const token = await this.api('POST', '/api/v1/accounts', await this.appToken, {
      username: handle,
      password: PASSWORD,
      agreement: true,
      ...(displayName ? { display_name: displayName } : {}),
    });
    const account = await this.api('GET', '/api/v1/accounts/verify_credentials', token.access_token);
    return { id: account.id, handle, token: token.access_token };
  }

  postAs(user: Account, text: string, inReplyToId?: string) {
    return this.api('POST', '/api/v1/statuses', user.token, {
      status: text,
      ...(inReplyToId ? { in_reply_to_id: inReplyToId } : {}),
    });
  }

  follow(user: Account, followee: Account) {
    return this.api('POST', `/api/v1/accounts/${followee.id}/follow`, user.token);
  }

  /** A page in a fresh browser context, signed in as `user` (the session the client keeps in localStorage). */
  async pageFor(user?: Account, options: ContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1100, height: 900 }, ...options });
    this.contexts.push(context);
    if (user) {
      const account = await this.api('GET', '/api/v1/accounts/verify_credentials', user.token);
      const session = JSON.stringify(JSON.stringify({ token: user.token, account }));
      await context.addInitScript({
        content: `localStorage.getItem('starling.session') || localStorage.setItem('starling.session', ${session});`,
      });
    }
    const page = await context.newPage();
    page.setDefaultTimeout(UI_WAIT_MS);
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) this.problems.push(`CSP: ${message.text()}`);
    });
    page.on('dialog', (dialog) => {
      this.problems.push(`a ${dialog.type()} dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return page;
  }

  shot(page: Page, name: string) {
    return page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
  }
}

/**
 * The set-up every browser suite shares, for the enclosing `describe`: one Site started before its first test and
 * closed after its last, and each test ending with no uncaught error and no dialog in its pages. Returns the suite's
 * Site (usable once the suite has started).
 */
export function useSite(): Site {
  let current: Site | undefined;
  beforeAll(async () => {
    current = await Site.start(chromiumPath() as string);
  });
  afterEach(async () => {
    expect(await current?.endTest(), 'no uncaught errors, CSP errors or dialogs in the pages').toEqual([]);
  });
  afterAll(() => current?.close());
  return new Proxy({} as Site, {
    get(_target, name) {
      if (!current) throw new Error('the site starts with the suite');
      const value: unknown = Reflect.get(current, name);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
