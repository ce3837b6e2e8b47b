import { ApiError } from '../api.js';
import { h } from '../dom.js';

/** A failure in words a person can act on: what was being done, and what the server said. */
export function describeError(doing: string, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return `Could not ${doing}: ${error.message}.`;
    if (error.status === 404 && error.code === 'not_found' && error.message.startsWith('no route')) {
      return `Could not ${doing}: this server does not offer it yet (${error.message}).`;
    }
    if (error.code === 'rate_limited') return `Could not ${doing}: too many requests; try again in a moment.`;
    return `Could not ${doing}: ${error.message} (${error.status} ${error.code}).`;
  }
  return `Could not ${doing}: ${error instanceof Error ? error.message : String(error)}.`;
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
