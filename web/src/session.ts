import type { AccountJson } from './entities.js';

/** The signed-in account and its bearer token, kept in localStorage so a reload stays signed in. */
export interface Session {
  token: string;
  account: AccountJson;
}

export const SESSION_KEY = 'starling.session';
const listeners = new Set<(session: Session | null) => void>();

export function currentSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.token !== 'string' || typeof parsed.account?.username !== 'string') return null;
    return parsed as Session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else localStorage.removeItem(SESSION_KEY);
  for (const listener of listeners) listener(session);
}

export function onSessionChange(listener: (session: Session | null) => void): void {
  listeners.add(listener);
}
