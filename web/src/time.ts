const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "5 min. ago" style, with the full date for the tooltip. */
export function timeLabel(iso: string, now = Date.now()): { short: string; full: string } {
  const date = new Date(iso);
  const seconds = Math.round((date.getTime() - now) / 1_000);
  const full = absolute.format(date);
  if (Math.abs(seconds) < 45) return { short: 'now', full };
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return { short: relative.format(Math.round(seconds / size), unit), full };
  }
  return { short: relative.format(Math.round(seconds / 60), 'minute'), full };
}

export const count = (n: number): string =>
  new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
