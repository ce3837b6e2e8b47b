import { ApiError } from '../api.js';
import { h } from '../dom.js';

/** What each kind of failure means to the reader, where the server's own words would not help. */
const PLAIN: Record<string, string> = {
  network: 'Starling could not be reached; check your connection and try again',
  rate_limited: 'too many requests at once; wait a moment and try again',
  forbidden: 'this account may not do that',
};

/**
 * A failure in words a person can act on: what was being done, and what went wrong as a sentence (the server's own
 * message, or what its status means) — never a bare status code.
 */
export function describeError(doing: string, error: unknown): string {
  const sentence = (text: string) => `Could not ${doing}: ${text.replace(/[.\s]+$/, '')}.`;
  if (error instanceof ApiError) {
    const plain = PLAIN[error.status === 0 ? 'network' : error.code];
    if (plain) return sentence(plain);
    if (error.status === 404 && error.code === 'not_found' && error.message.startsWith('no route')) {
      return sentence('this server does not offer it yet');
    }
    if (error.status === 404) return sentence('it is not there (deleted, or never was)');
    if (error.status === 409) return sentence('something changed meanwhile; look again and retry');
    if (error.status >= 500 && error.code === 'http_error') {
      return sentence('Starling is having trouble; try again in a moment');
    }
    return sentence(error.message);
  }
  return sentence(error instanceof Error ? error.message : String(error));
}

export const isAbort = (error: unknown): boolean =>
  error instanceof DOMException && error.name === 'AbortError';

/** An alert line that stays empty (and hidden) until told something. */
export function alertLine(): HTMLParagraphElement & { show(text: string | null): void } {
  const line = h('p', { class: 'alert', attrs: { role: 'alert' } }) as HTMLParagraphElement & {
    show(text: string | null): void;
  };
  line.hidden = true;
  line.show = (text) => {
    line.textContent = text ?? '';
    line.hidden = !text;
  };
  return line;
}

export function errorPanel(text: string): HTMLElement {
  return h('p', { class: 'alert', attrs: { role: 'alert' } }, text);
}
