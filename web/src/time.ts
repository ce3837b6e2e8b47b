import { h } from './dom.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const thisYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const otherYear = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/**
 * Twitter's way: "now" for the first minute, then "5 min", "3 h", and from a day on the date ("Mar 4", with the year
 * when it is not this one); the full date and time for the tooltip.
 */
export function timeLabel(iso: string, now = Date.now()): { short: string; full: string } {
  const date = new Date(iso);
  const full = absolute.format(date);
  const age = now - date.getTime();
  if (age < MINUTE) return { short: 'now', full };
  if (age < HOUR) return { short: `${Math.floor(age / MINUTE)} min`, full };
  if (age < DAY) return { short: `${Math.floor(age / HOUR)} h`, full };
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return { short: (sameYear ? thisYear : otherYear).format(date), full };
}

/** A `<time>` that keeps its "N min" current while it is on the page (see {@link startClock}). */
export function relativeTime(iso: string): HTMLTimeElement {
  const when = timeLabel(iso);
  return h('time', { class: 'relative', attrs: { datetime: iso, title: when.full } }, when.short);
}

/** How often the relative times on the page are redrawn: often enough that "now" turns "1 min" on time. */
const TICK_MS = 15_000;

/** Redraws every relative time on the page as the clock moves; started once by the app. */
export function startClock(): void {
  window.setInterval(() => {
    const now = Date.now();
    for (const element of document.querySelectorAll<HTMLTimeElement>('time.relative')) {
      const short = timeLabel(element.dateTime, now).short;
      if (element.textContent !== short) element.textContent = short;
    }
  }, TICK_MS);
}

export const count = (n: number): string =>
  new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
