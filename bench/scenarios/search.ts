import type { SqlClient } from '../../src/adapters/sql/sql-client.js';
import type { Figures } from '../figures.js';
import { percentile } from '../measure.js';
import { loadSearchCorpus, type SearchKind, searchQueries } from '../search.js';
import { API, say, seed } from '../settings.js';

/** Search over a corpus of `count` tweets, through the API: each kind of query, four in flight. */
export async function searchScenario(
  sql: SqlClient,
  count: number,
  accounts: number,
): Promise<Figures['search']> {
  say(`search: loading ${count.toLocaleString('en-US')} tweets`);
  const loadSeconds = await loadSearchCorpus(sql, count, seed, accounts, say);
  const queries = searchQueries(150, seed, accounts);
  const byKind = new Map<SearchKind, number[]>();
  const all: number[] = [];
  let matched = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < queries.length) {
        const { kind, q } = queries[next++] as (typeof queries)[number];
        const started = performance.now();
        const response = await fetch(
          `${API.base}/api/v2/search?type=statuses&q=${encodeURIComponent(q)}&limit=20`,
        );
        const body = (await response.json()) as { statuses?: unknown[] };
        const ms = performance.now() - started;
        if (!response.ok) throw new Error(`search ${q} answered ${response.status}`);
        if ((body.statuses?.length ?? 0) > 0) matched += 1;
        all.push(ms);
        byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
      }
    }),
  );
  const result = {
    tweets: count,
    loadSeconds,
    queries: queries.length,
    matchedShare: matched / queries.length,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    kinds: Object.fromEntries(
      [...byKind].map(([kind, values]) => [
        kind,
        { p50: percentile(values, 50), p99: percentile(values, 99) },
      ]),
    ),
  };
  say(`search: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms over ${count} tweets`);
  return result;
}
