import { describeError } from '../components/notice.js';
import { h } from '../dom.js';
import type { ViewContext } from '../router.js';
import {
  has,
  parsePrometheus,
  quantileBetween,
  rateBetween,
  type Scrape,
  total,
} from '../status/prometheus.js';
import { sparkline } from '../status/sparkline.js';

const POLL_MS = 2_000;
/** Points kept per chart: two minutes. */
const POINTS = 60;
/** Each point covers the last 10 s (5 scrapes), so a quiet moment does not blank the latency charts. */
const WINDOW = 5;

interface Figure {
  label: string;
  help: string;
  /** The metric that must exist for the figure to mean anything ("no data" until it does). */
  metric: string;
  value(before: Scrape, after: Scrape): number | null;
  format(value: number): string;
  /** The alert threshold from the monitoring table, in the figure's unit. */
  alertAt?: number;
  /** Whether crossing the threshold means going below it (the hit rate). */
  alertBelow?: boolean;
}

const READ = 'starling_timeline_read_duration_seconds';
const WRITE = 'starling_tweet_write_duration_seconds';
const LAG = 'starling_fanout_lag_seconds';
const PENDING = 'starling_log_consumer_pending';

const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
const seconds = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} s`;
const perSecond = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)}/s`;
const whole = (v: number) => Math.round(v).toLocaleString();
const p99 =
  (metric: string, filter: Record<string, string> = {}, scale = 1) =>
  (b: Scrape, a: Scrape) => {
    const q = quantileBetween(b, a, metric, 0.99, filter);
    return q === null ? null : q * scale;
  };

const FIGURES: Figure[] = [
  {
    label: 'Timeline read p99 (hit)',
    help: 'home reads served from a cached timeline',
    metric: READ,
    value: p99(READ, { source: 'hit' }, 1_000),
    format: ms,
    alertAt: 500,
  },
  {
    label: 'Timeline read p99 (miss)',
    help: 'home reads that rebuilt the timeline first',
    metric: READ,
    value: p99(READ, { source: 'miss' }, 1_000),
    format: ms,
    alertAt: 500,
  },
  {
    label: 'Tweet write p99',
    help: 'posting: validation, id, one transaction',
    metric: WRITE,
    value: p99(WRITE, {}, 1_000),
    format: ms,
    alertAt: 300,
  },
  {
    label: 'Fanout lag p99',
    help: 'post to last timeline insert, ordinary authors',
    metric: LAG,
    value: p99(LAG, { stream: 'fanout' }),
    format: seconds,
    alertAt: 60,
  },
  {
    label: 'Fanout lag p99 (celebrity)',
    help: 'post to recent-list insert, celebrities',
    metric: LAG,
    value: p99(LAG, { stream: 'celebrity' }),
    format: seconds,
    alertAt: 60,
  },
  {
    label: 'Consumer lag (fanout)',
    help: 'log messages not yet acknowledged',
    metric: PENDING,
    value: (_, a) => total(a, PENDING, { stream: 'fanout' }),
    format: whole,
    alertAt: 10_000,
  },
  {
    label: 'Consumer lag (celebrity)',
    help: 'log messages not yet acknowledged',
    metric: PENDING,
    value: (_, a) => total(a, PENDING, { stream: 'celebrity' }),
    format: whole,
    alertAt: 10_000,
  },
  {
    label: 'Outbox backlog',
    help: 'committed events fanout has not acknowledged',
    metric: 'starling_outbox_backlog',
    value: (_, a) => total(a, 'starling_outbox_backlog'),
    format: whole,
    alertAt: 10_000,
  },
  {
    label: 'Cache hit rate',
    help: 'home reads served from the cache',
    metric: 'starling_timeline_cache_hits_total',
    value: (b, a) => {
      const hits = rateBetween(b, a, 'starling_timeline_cache_hits_total');
      const misses = rateBetween(b, a, 'starling_timeline_cache_misses_total');
      return hits === null || misses === null || hits + misses === 0 ? null : (100 * hits) / (hits + misses);
    },
    format: (v) => `${v.toFixed(0)}%`,
    alertAt: 70,
    alertBelow: true,
  },
  {
    label: 'Timeline inserts',
    help: 'entries fanout wrote into cached timelines',
    metric: 'starling_timeline_inserts_total',
    value: (b, a) => rateBetween(b, a, 'starling_timeline_inserts_total'),
    format: perSecond,
  },
  {
    label: 'HTTP requests',
    help: 'all routes',
    metric: 'starling_http_requests_total',
    value: (b, a) => rateBetween(b, a, 'starling_http_requests_total'),
    format: perSecond,
  },
];

/** `/status`: the monitoring table's figures, live, from `/metrics` scraped every 2 s and diffed in the page. */
export function statusView({ root, signal }: ViewContext) {
  const scrapes: Scrape[] = [];
  const series = FIGURES.map(() => [] as (number | null)[]);
  const updated = h('p', { class: 'muted', attrs: { 'aria-live': 'polite' } }, 'Reading /metrics…');
  const rows = FIGURES.map((figure) => {
    const trend = h('td', { class: 'trend' });
    const now = h('td', { class: 'now' }, 'no data');
    const alert =
      figure.alertAt === undefined
        ? '—'
        : `${figure.alertBelow ? '<' : '>'} ${figure.format(figure.alertAt)}`;
    const row = h(
      'tr',
      { dataset: { figure: figure.label } },
      h('th', { attrs: { scope: 'row' } }, figure.label, h('small', {}, figure.help)),
      trend,
      now,
      h('td', { class: 'alert-at' }, alert),
    );
    return { row, trend, now };
  });
  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Status')),
    updated,
    h(
      'table',
      { class: 'status-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Figure'),
          h('th', {}, 'Last 2 min'),
          h('th', {}, 'Now'),
          h('th', {}, 'Alert'),
        ),
      ),
      h('tbody', {}, ...rows.map((r) => r.row)),
    ),
  );

  function draw() {
    const after = scrapes.at(-1);
    const before = scrapes[Math.max(0, scrapes.length - 1 - WINDOW)];
    if (!after || !before) return;
    FIGURES.forEach((figure, i) => {
      const points = series[i] ?? [];
      const cells = rows[i];
      if (!cells) return;
      const known = has(after, figure.metric);
      const value = known ? figure.value(before, after) : null;
      points.push(value);
      if (points.length > POINTS) points.shift();
      // Until two minutes have passed, the chart spreads what it has (at least a dozen slots) over its width.
      const chart = sparkline(points, Math.max(12, points.length), figure.alertAt);
      chart.setAttribute('aria-label', `${figure.label}, the last ${points.length} readings`);
      cells.trend.replaceChildren(chart);
      const alarming =
        value !== null &&
        figure.alertAt !== undefined &&
        (figure.alertBelow ? value < figure.alertAt : value > figure.alertAt);
      cells.now.textContent = !known ? 'no data' : value === null ? 'idle' : figure.format(value);
      cells.now.classList.toggle('alarming', alarming);
      cells.row.dataset.state = !known ? 'no-data' : value === null ? 'idle' : 'value';
      cells.row.dataset.points = String(points.filter((p) => p !== null).length);
    });
  }

  let timer: number | undefined;
  async function scrape() {
    try {
      const response = await fetch('/metrics', { signal, headers: { accept: 'text/plain' } });
      if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
      scrapes.push({ at: Date.now(), samples: parsePrometheus(await response.text()) });
      if (scrapes.length > WINDOW + 1) scrapes.shift();
      draw();
      updated.textContent = `Updated ${new Date().toLocaleTimeString()} · every ${POLL_MS / 1_000} s`;
    } catch (error) {
      if (signal.aborted) return;
      updated.textContent = describeError('read /metrics', error);
    }
    if (!signal.aborted) timer = window.setTimeout(scrape, POLL_MS);
  }
  signal.addEventListener('abort', () => window.clearTimeout(timer));
  void scrape();
}
