import { currentSession, saveSession } from './session.js';

/** The wire objects of the API contract (ids are decimal strings: they exceed 2^53). */
export interface AccountJson {
  id: string;
  handle: string;
  display_name: string;
  created_at: string;
  followers_count: number;
  following_count: number;
  tweets_count: number;
}

export interface AuthorJson {
  id: string;
  handle: string;
  display_name: string;
}

export interface TweetJson {
  id: string;
  author: AuthorJson;
  text: string;
  created_at: string;
  reply_to_id: string | null;
  retweet_of: TweetJson | null;
  like_count: number;
  retweet_count: number;
  reply_count: number;
  mentions: string[];
  hashtags: string[];
  liked: boolean;
  retweeted: boolean;
}

export interface TweetPage {
  tweets: TweetJson[];
  next_cursor: string | null;
}

export interface AccountPage {
  accounts: AccountJson[];
  next_cursor: string | null;
}

export interface SessionJson {
  account: AccountJson;
  token: string;
}

export const API = '/api/v1';

/** A failed call, with the API's stable code and a message fit to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

export function apiUrl(path: string, query: CallOptions['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const search = params.toString();
  return `${API}${path}${search ? `?${search}` : ''}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) {
      return new ApiError(response.status, body.error.code, body.error.message ?? body.error.code);
    }
  } catch {
    // Not the API's JSON error shape (a proxy's page, say): the status has to do.
  }
  return new ApiError(response.status, 'http_error', `the server answered ${response.status}`);
}

/** Calls the API as the signed-in account (if any). A 401 on a sent token means the session ended. */
export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const session = currentSession();
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'could not reach the server; check your connection');
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && session && error.code === 'unauthorized') saveSession(null);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Page sizes: the first screenful, then larger steps while scrolling. */
export const PAGE_SIZE = 20;
