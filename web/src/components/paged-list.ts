import { h } from '../dom.js';
import { describeError, isAbort } from './notice.js';

export interface PageOf<T> {
  items: T[];
  next: string | null;
}

export interface PagedListOptions<T> {
  /** One page, older than `cursor` (null: the newest). */
  load(cursor: string | null, signal: AbortSignal): Promise<PageOf<T>>;
  key(item: T): string;
  render(item: T): HTMLElement;
  /** Shown when the first page is empty. */
  empty: string;
  /** What loading is, for error messages ("load the timeline"). */
  doing: string;
  signal: AbortSignal;
  label: string;
}

/**
 * A keyset-paged list that loads the next page as its end scrolls into view (IntersectionObserver). Each item is
 * shown once: items are keyed, and a key already on the list is skipped, wherever it comes from (a later page, a
 * live update, an item the user just posted).
 */
export class PagedList<T> {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly sentinel: HTMLElement;
  private readonly status: HTMLElement;
  private readonly shown = new Map<string, HTMLElement>();
  private cursor: string | null = null;
  private finished = false;
  private loading = false;
  private readonly observer: IntersectionObserver;

  constructor(private readonly options: PagedListOptions<T>) {
    this.list = h('ol', { class: 'items', attrs: { 'aria-label': options.label } });
    this.status = h('div', { class: 'list-status' });
    this.sentinel = h('div', { class: 'sentinel', attrs: { 'aria-hidden': 'true' } });
    this.element = h('section', { class: 'paged-list' }, this.list, this.status, this.sentinel);
    // Start loading well before the end is on screen, so scrolling rarely waits.
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void this.loadMore();
      },
      { rootMargin: '0px 0px 600px 0px' },
    );
    options.signal.addEventListener('abort', () => this.observer.disconnect());
  }

  start(): void {
    this.observer.observe(this.sentinel);
  }

  get size(): number {
    return this.shown.size;
  }

  has(key: string): boolean {
    return this.shown.has(key);
  }

  /** Keys on the list, in order (top first). */
  keys(): string[] {
    return [...this.list.children].map((child) => (child as HTMLElement).dataset.key ?? '');
  }

  async loadMore(): Promise<void> {
    if (this.loading || this.finished || this.options.signal.aborted) return;
    this.loading = true;
    this.status.replaceChildren(h('span', { class: 'loading' }, 'Loading…'));
    try {
      const page = await this.options.load(this.cursor, this.options.signal);
      this.append(page.items);
      this.cursor = page.next;
      this.finished = page.next === null || page.items.length === 0;
      this.status.replaceChildren(
        this.finished && this.shown.size === 0 ? h('p', { class: 'empty' }, this.options.empty) : '',
      );
    } catch (error) {
      if (isAbort(error)) return;
      const retry = h(
        'button',
        { class: 'link-button', on: { click: () => void this.loadMore() } },
        'Try again',
      );
      this.status.replaceChildren(
        h(
          'p',
          { class: 'alert', attrs: { role: 'alert' } },
          describeError(this.options.doing, error),
          ' ',
          retry,
        ),
      );
      this.finished = false;
    } finally {
      this.loading = false;
    }
    if (!this.finished && !this.status.querySelector('.alert')) {
      // The observer fires on changes only: if the end is still in view after this page, look again.
      this.observer.unobserve(this.sentinel);
      this.observer.observe(this.sentinel);
    }
  }

  /** Adds older items at the end. */
  append(items: readonly T[]): void {
    for (const item of items) {
      const node = this.node(item);
      if (node) this.list.append(node);
    }
  }

  /** Adds newer items (newest first) at the top, keeping their order. */
  prepend(items: readonly T[]): void {
    const nodes = items.map((item) => this.node(item)).filter((node): node is HTMLElement => node !== null);
    this.list.prepend(...nodes);
    if (nodes.length > 0) this.status.querySelector('.empty')?.remove();
  }

  remove(key: string): void {
    this.shown.get(key)?.remove();
    this.shown.delete(key);
  }

  /** Draws an item that is shown again, as it is now (an edited post); one not shown is left alone. */
  replace(item: T): void {
    this.shown.get(this.options.key(item))?.replaceChildren(this.options.render(item));
  }

  private node(item: T): HTMLElement | null {
    const key = this.options.key(item);
    if (this.shown.has(key)) return null;
    const node = h('li', { dataset: { key } }, this.options.render(item));
    this.shown.set(key, node);
    return node;
  }
}
