import { validationFailed } from './errors.js';

/**
 * OAuth scopes as Mastodon defines them: four top-level scopes, each granting its sub-scopes (`read` grants
 * `read:statuses`), plus `profile`, which grants only reading one's own account. The legacy `follow` scope grants the
 * follow, block and mute sub-scopes of `read` and `write`.
 */
const SUB_SCOPES = {
  read: [
    'accounts',
    'blocks',
    'bookmarks',
    'favourites',
    'filters',
    'follows',
    'lists',
    'mutes',
    'notifications',
    'search',
    'statuses',
  ],
  write: [
    'accounts',
    'blocks',
    'bookmarks',
    'conversations',
    'favourites',
    'filters',
    'follows',
    'lists',
    'media',
    'mutes',
    'notifications',
    'reports',
    'statuses',
  ],
} as const;

const FOLLOW_GRANTS = [
  'read:blocks',
  'write:blocks',
  'read:follows',
  'write:follows',
  'read:mutes',
  'write:mutes',
];

export const TOP_LEVEL_SCOPES = ['read', 'write', 'follow', 'push', 'profile'] as const;

/** Every scope a client may ask for. */
export const ALL_SCOPES: readonly string[] = [
  ...TOP_LEVEL_SCOPES,
  ...SUB_SCOPES.read.map((s) => `read:${s}`),
  ...SUB_SCOPES.write.map((s) => `write:${s}`),
];
const KNOWN = new Set(ALL_SCOPES);

/** Scopes a route may require: a sub-scope, or `profile`/`push` for the routes only they open. */
export type RequiredScope =
  | `read:${(typeof SUB_SCOPES.read)[number]}`
  | `write:${(typeof SUB_SCOPES.write)[number]}`
  | 'push';

/** The default when a client asks for nothing: read-only, as Mastodon has it. */
export const DEFAULT_SCOPES: readonly string[] = ['read'];

/**
 * Parses a space-separated scope list (`+` separates too, as in query strings). Unknown scopes are refused, so a
 * client learns at once that it will not get what it asked for; duplicates collapse; empty means the default.
 */
export function parseScopes(raw: string | undefined): string[] {
  const scopes = [...new Set((raw ?? '').split(/[\s+]+/).filter((s) => s !== ''))];
  if (scopes.length === 0) return [...DEFAULT_SCOPES];
  const unknown = scopes.find((s) => !KNOWN.has(s));
  if (unknown !== undefined) throw validationFailed(`unknown scope "${unknown}"`);
  return scopes;
}

/** Whether a token with `granted` may do what needs `required`. */
export function grants(granted: readonly string[], required: RequiredScope | 'profile'): boolean {
  if (granted.includes(required)) return true;
  if (required === 'profile') return granted.includes('read') || granted.includes('read:accounts');
  const [top] = required.split(':');
  if (top !== undefined && granted.includes(top)) return true;
  return granted.includes('follow') && FOLLOW_GRANTS.includes(required);
}

/** Whether every scope of `wanted` is covered by `allowed` (a token's scopes must lie within its app's). */
export function withinScopes(wanted: readonly string[], allowed: readonly string[]): boolean {
  return wanted.every((scope) => {
    if (allowed.includes(scope)) return true;
    const [top] = scope.split(':');
    return scope.includes(':') && top !== undefined && allowed.includes(top);
  });
}
