import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Figures } from './figures.js';

/** A chart written as SVG: a Vega-Lite spec rendered headless (no browser, no canvas). */
async function render(spec: TopLevelSpec, file: string): Promise<void> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  await writeFile(file, await view.toSVG());
  view.finalize();
}

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 480, height: 240 } as const;

/**
 * The report's charts, into `dir`: latency percentiles per operation under the steady load, the fanout-lag
 * distribution, consumer lag and throughput (posts committed, events fanned out) through the write spike, and search
 * latency per kind of query. Returns the file names written (a chart without data is skipped).
 */
export async function writeCharts(f: Figures, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const chart = async (name: string, spec: TopLevelSpec | null) => {
    if (!spec) return;
    await render(spec, join(dir, name));
    written.push(name);
  };

  const percentiles = Object.entries(f.steady?.operations ?? {}).flatMap(([operation, o]) =>
    o
      ? (['p50', 'p90', 'p99', 'p999'] as const).map((p) => ({
          operation,
          percentile: p === 'p999' ? 'p99.9' : p,
          ms: Math.max(o[p], 0.01),
        }))
      : [],
  );
  await chart(
    'latency.svg',
    percentiles.length === 0
      ? null
      : {
          ...base,
          title: `Latency under the steady mixed load (${f.rate} req/s, open loop)`,
          data: { values: percentiles },
          mark: 'bar',
          encoding: {
            x: { field: 'operation', type: 'nominal', title: null, axis: { labelAngle: 0 } },
            xOffset: { field: 'percentile', sort: ['p50', 'p90', 'p99', 'p99.9'] },
            // Bars start at zero, which a log scale cannot show; symlog is logarithmic above 1 ms and linear below.
            y: {
              field: 'ms',
              type: 'quantitative',
              scale: { type: 'symlog' },
              axis: { values: [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000] },
              title: 'ms (log scale above 1 ms)',
            },
            color: { field: 'percentile', sort: ['p50', 'p90', 'p99', 'p99.9'] },
          },
        },
  );

  const lag = f.steady?.fanoutLagBuckets ?? [];
  const lagBars = lag.flatMap(([le, count], i) => {
    const lower = i === 0 ? 0 : (lag[i - 1]?.[0] ?? 0);
    const tweets = count - (i === 0 ? 0 : (lag[i - 1]?.[1] ?? 0));
    return Number.isFinite(le) ? [{ bucket: `≤ ${le * 1_000} ms`, order: i, lower, tweets }] : [];
  });
  await chart(
    'fanout-lag.svg',
    lagBars.length === 0
      ? null
      : {
          ...base,
          title: 'Fanout lag under the steady load (tweets per histogram bucket)',
          data: { values: lagBars },
          mark: 'bar',
          encoding: {
            x: {
              field: 'bucket',
              type: 'ordinal',
              sort: { field: 'order' },
              title: 'posting to last insert',
            },
            y: { field: 'tweets', type: 'quantitative' },
          },
        },
  );

  const spikeEnd = {
    data: { values: [{ second: f.spike?.seconds }] },
    mark: { type: 'rule', strokeDash: [4, 4] },
  };
  const flows = (f.spike?.lag ?? []).flatMap((l) =>
    l.postedPerSecond === undefined || l.appliedPerSecond === undefined
      ? []
      : [
          { second: l.second, flow: 'posts committed', perSecond: l.postedPerSecond },
          { second: l.second, flow: 'events fanned out', perSecond: l.appliedPerSecond },
        ],
  );
  await chart(
    'spike.svg',
    !f.spike || f.spike.lag.length === 0
      ? null
      : ({
          $schema: base.$schema,
          title: `Through the write spike (${f.spike.postsPerSecond} posts/s for ${f.spike.seconds} s)`,
          vconcat: [
            {
              width: 560,
              height: 160,
              layer: [
                {
                  data: { values: f.spike.lag },
                  mark: { type: 'area', opacity: 0.3 },
                  encoding: {
                    x: { field: 'second', type: 'quantitative', title: null },
                    y: { field: 'pending', type: 'quantitative', title: 'events waiting' },
                  },
                },
                { ...spikeEnd, encoding: { x: { field: 'second', type: 'quantitative' } } },
              ],
            },
            {
              width: 560,
              height: 160,
              layer: [
                {
                  data: { values: flows },
                  mark: 'line',
                  encoding: {
                    x: {
                      field: 'second',
                      type: 'quantitative',
                      title: 'seconds from the start of the spike',
                    },
                    y: { field: 'perSecond', type: 'quantitative', title: 'per second' },
                    color: { field: 'flow', title: null },
                  },
                },
                { ...spikeEnd, encoding: { x: { field: 'second', type: 'quantitative' } } },
              ],
            },
          ],
        } as TopLevelSpec),
  );

  const kinds = Object.entries(f.search?.kinds ?? {}).flatMap(([kind, k]) => [
    { kind, percentile: 'p50', ms: k.p50 },
    { kind, percentile: 'p99', ms: k.p99 },
  ]);
  await chart(
    'search.svg',
    kinds.length === 0
      ? null
      : {
          ...base,
          title: `Search over ${(f.search?.tweets ?? 0).toLocaleString('en-US')} tweets, by kind of query`,
          data: { values: kinds },
          layer: [
            {
              mark: 'bar',
              encoding: {
                x: { field: 'kind', type: 'nominal', title: null, axis: { labelAngle: -20 } },
                xOffset: { field: 'percentile' },
                y: { field: 'ms', type: 'quantitative', title: 'ms' },
                color: { field: 'percentile' },
              },
            },
            {
              data: { values: [{ goal: 50 }] },
              mark: { type: 'rule', strokeDash: [4, 4], color: 'firebrick' },
              encoding: { y: { field: 'goal', type: 'quantitative' } },
            },
          ],
        },
  );
  return written;
}
