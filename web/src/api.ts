import type { RelationshipJson } from './entities.js';
import { currentSession, saveSession } from './session.js';

export type {
  AccountJson,
  CredentialAccountJson,
  MarkerJson,
  MediaJson,
  MentionJson,
  NotificationJson,
  RelationshipJson,
  SearchResults,
  StatusEditJson,
  StatusJson,
  TokenJson,
} from './entities.js';

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
  /** A multipart body (files): sent as is, instead of `body` as JSON. */
  form?: FormData;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Send no bearer token (the app's own calls: registering, signing in). */
  anonymous?: boolean;
  token?: string;
}

/** `path` is the API's own: `/api/v1/…`, `/api/v2/…` or `/oauth/…`. */
export function apiUrl(path: string, query: CallOptions['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const search = params.toString();
  return `${path}${search ? `?${search}` : ''}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: string; error_description?: string; code?: string };
    const message = body.error_description ?? body.error;
    if (message) return new ApiError(response.status, body.code ?? body.error ?? 'http_error', message);
  } catch {
    // Not the API's JSON error shape (a proxy's page, say): the status has to do.
  }
  return new ApiError(response.status, 'http_error', `the server answered ${response.status}`);
}

/** What a call returned, with the `Link` header's next page (its `max_id`), if any. */
export interface Answer<T> {
  body: T;
  next: string | null;
}

/** The `max_id` of the `Link` header's `rel="next"`: where the next (older) page starts. */
export function nextOf(link: string | null): string | null {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (match?.[1]) return new URL(match[1], window.location.href).searchParams.get('max_id');
  }
  return null;
}

/** Calls the API as the signed-in account (if any). A 401 on a sent token means the session ended. */
export async function request<T>(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const session = options.anonymous ? null : currentSession();
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = options.token ?? session?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body: options.form ?? (options.body === undefined ? null : JSON.stringify(options.body)),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'could not reach the server; check your connection');
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && session && !options.token && error.code === 'unauthorized')
      saveSession(null);
    throw error;
  }
  const body = (response.status === 204 ? undefined : await response.json()) as T;
  return { body, next: nextOf(response.headers.get('link')) };
}

export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  return (await request<T>(method, path, options)).body;
}

/** Page sizes: the first screenful, then larger steps while scrolling (Mastodon allows 40). */
export const PAGE_SIZE = 20;

/** Follows or unfollows an account; the answer says whether the reader follows it now. */
export const setFollowing = (accountId: string, follow: boolean) =>
  call<RelationshipJson>('POST', `/api/v1/accounts/${accountId}/${follow ? 'follow' : 'unfollow'}`);
