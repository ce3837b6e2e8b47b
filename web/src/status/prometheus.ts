/** Just enough of the Prometheus text format (version 0.0.4) to chart a handful of series in the browser. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One scrape: its samples and when it was taken (ms). */
export interface Scrape {
  at: number;
  samples: Sample[];
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function number(raw: string): number {
  if (raw === '+Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

const unescapeLabel = (value: string) => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line.trim());
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) {
      if (name !== undefined && value !== undefined) labels[name] = unescapeLabel(value);
    }
    samples.push({ name: match[1] ?? '', labels, value: number(match[3] ?? 'NaN') });
  }
  return samples;
}

export type LabelFilter = Record<string, string>;

const matches = (sample: Sample, name: string, filter: LabelFilter) =>
  sample.name === name && Object.entries(filter).every(([k, v]) => sample.labels[k] === v);

/** Whether the scrape has any series of this metric (counters and histograms: their `_total`/`_count` names). */
export function has(scrape: Scrape, name: string): boolean {
  return scrape.samples.some(
    (s) => s.name === name || s.name === `${name}_count` || s.name === `${name}_total`,
  );
}

/** The sum over every series of `name` that matches the filter (other labels are added up), or null if none. */
export function total(scrape: Scrape, name: string, filter: LabelFilter = {}): number | null {
  let sum: number | null = null;
  for (const sample of scrape.samples) {
    if (matches(sample, name, filter) && Number.isFinite(sample.value)) sum = (sum ?? 0) + sample.value;
  }
  return sum;
}

/** Cumulative bucket counts by upper bound, added up over the other labels. */
function buckets(scrape: Scrape, name: string, filter: LabelFilter): Map<number, number> {
  const byBound = new Map<number, number>();
  for (const sample of scrape.samples) {
    if (!matches(sample, `${name}_bucket`, filter) || sample.labels.le === undefined) continue;
    const bound = number(sample.labels.le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + sample.value);
  }
  return byBound;
}

/**
 * The q-quantile of what a histogram observed between two scrapes, as Prometheus's histogram_quantile computes it:
 * linear within the bucket that holds the rank. Null when nothing was observed (or the counter was reset).
 */
export function quantileBetween(
  before: Scrape,
  after: Scrape,
  name: string,
  q: number,
  filter: LabelFilter = {},
): number | null {
  const old = buckets(before, name, filter);
  const now = [...buckets(after, name, filter)].sort(([a], [b]) => a - b);
  const deltas = now.map(([bound, count]) => [bound, count - (old.get(bound) ?? 0)] as const);
  const observed = deltas.at(-1)?.[1] ?? 0;
  if (observed <= 0 || deltas.some(([, d]) => d < 0)) return null;
  const rank = q * observed;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of deltas) {
    if (count >= rank) {
      // The +Inf bucket has no upper edge: the answer is the highest finite bound, as in Prometheus.
      if (!Number.isFinite(bound)) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket === 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return null;
}

/** Per-second rate of a counter between two scrapes; null across a reset or when either lacks it. */
export function rateBetween(
  before: Scrape,
  after: Scrape,
  name: string,
  filter: LabelFilter = {},
): number | null {
  const a = total(before, name, filter);
  const b = total(after, name, filter);
  const seconds = (after.at - before.at) / 1_000;
  if (a === null || b === null || b < a || seconds <= 0) return null;
  return (b - a) / seconds;
}
