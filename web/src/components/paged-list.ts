import { h } from '../dom.js';
import type { ViewContext } from '../router.js';
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
  /** Shown below the last item once there is nothing older ("You have seen every post"). */
  end?: string;
  /**
   * Keys in order, newest first, when they compare as ids (Snowflakes): {@link PagedList.merge} then puts each item
   * where it belongs instead of on top.
   */
  ordered?: (a: string, b: string) => number;
  /**
   * What an item shows, when that differs from its key (a retweet shows its original): an item showing what a shown
   * item already shows is folded into that one by `fold` instead of drawn again.
   */
  shows?: (item: T) => string;
  fold?: (shown: HTMLElement, item: T) => void;
}

/** What a list had loaded, to draw it again as it was (Back to a timeline). */
export interface ListSnapshot<T> {
  items: T[];
  cursor: string | null;
  finished: boolean;
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
  private readonly items = new Map<string, T>();
  /** The node showing each thing (see `shows`). */
  private readonly showing = new Map<string, HTMLElement>();
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
      this.drawStatus();
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

  /** Whether the last load failed (its error is on show). */
  get failed(): boolean {
    return this.status.querySelector('.alert') !== null;
  }

  snapshot(): ListSnapshot<T> {
    return {
      items: this.keys().flatMap((key) => {
        const item = this.items.get(key);
        return item === undefined ? [] : [item];
      }),
      cursor: this.cursor,
      finished: this.finished,
    };
  }

  /** Draws what {@link snapshot} kept, without a request; later pages load from where it stopped. */
  restore(snapshot: ListSnapshot<T>): void {
    this.append(snapshot.items);
    this.cursor = snapshot.cursor;
    this.finished = snapshot.finished;
    this.drawStatus();
  }

  /** Forgets everything shown and loads the first page again (after an outage, a fresh start beats catching up). */
  async reload(): Promise<void> {
    this.list.replaceChildren();
    this.shown.clear();
    this.items.clear();
    this.cursor = null;
    this.finished = false;
    await this.loadMore();
  }

  private drawStatus(): void {
    const { empty, end } = this.options;
    this.status.replaceChildren(
      !this.finished
        ? ''
        : this.shown.size === 0
          ? h('p', { class: 'empty' }, empty)
          : end
            ? h('p', { class: 'end-of-list' }, end)
            : '',
    );
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
    if (nodes.length > 0) this.drawStatus();
  }

  /**
   * Adds items wherever their keys belong in an ordered list (new posts, which may be older than one the reader
   * just made); without an order, on top.
   */
  merge(items: readonly T[]): void {
    const order = this.options.ordered;
    if (!order) {
      this.prepend(items);
      return;
    }
    for (const item of items) {
      const node = this.node(item);
      if (!node) continue;
      const key = node.dataset.key ?? '';
      const before = [...this.list.children].find(
        (child) => order((child as HTMLElement).dataset.key ?? '', key) > 0,
      );
      this.list.insertBefore(node, before ?? null);
    }
    this.drawStatus();
  }

  remove(key: string): void {
    this.shown.get(key)?.remove();
    this.shown.delete(key);
    this.items.delete(key);
  }

  /** Draws an item that is shown again, as it is now (an edited post); one not shown is left alone. */
  replace(item: T): void {
    const key = this.options.key(item);
    const node = this.shown.get(key);
    if (!node) return;
    this.items.set(key, item);
    node.replaceChildren(this.options.render(item));
  }

  private node(item: T): HTMLElement | null {
    const key = this.options.key(item);
    if (this.shown.has(key)) return null;
    const shows = this.options.shows?.(item);
    if (shows !== undefined) {
      const already = this.showing.get(shows);
      if (already?.isConnected) {
        this.options.fold?.(already, item);
        return null;
      }
    }
    const node = h('li', { dataset: { key } }, this.options.render(item));
    if (shows !== undefined) this.showing.set(shows, node);
    this.shown.set(key, node);
    this.items.set(key, item);
    return node;
  }
}

/**
 * Starts a list on its page: after Back (or Forward) drawn again as it was, with the pages it had and where it was
 * scrolled; on a fresh visit, from its first page.
 */
export async function startKept<T>(
  list: PagedList<T>,
  context: Pick<ViewContext, 'keep' | 'restoreScroll' | 'signal'>,
): Promise<void> {
  const snapshot = context.keep(() => list.snapshot());
  if (snapshot) {
    list.restore(snapshot);
    context.restoreScroll();
  } else {
    await list.loadMore();
  }
  if (!context.signal.aborted) list.start();
}
