/**
 * The soak's own figures (`npm run bench:soak`, bench/results/soak.json) and how the published report shows them:
 * a row in its summary and a section of their own, with the soak's command, commit and date — it is a separate run
 * from the rest of the report.
 */
import { readFile } from 'node:fs/promises';

export interface SoakMinute {
  minute: number;
  errors: number;
  homeP99: number | null;
  fanoutLagP99: number | null;
  consumerPending: number;
}

export interface SoakSummary {
  command: string;
  commit?: string;
  date?: string;
  size: string;
  minutes: number;
  rate: number;
  rateFrom: string;
  requests: number;
  errors: number;
  errorReasons: Record<string, number>;
  memory: { start: { apiMiB: number; fanoutMiB: number }; end: { apiMiB: number; fanoutMiB: number } };
  fanoutLagSeconds: { p50: number | null; p99: number | null; max: number };
  perMinute: SoakMinute[];
}

export const SOAK_RESULTS = 'bench/results/soak.json';

/** The last soak's figures, or undefined when none has been run. */
export async function readSoak(path = SOAK_RESULTS): Promise<SoakSummary | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SoakSummary;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const fixed = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

/** The summary table's value for the soak: its errors, and how each process's memory moved. */
export function soakValue(s: SoakSummary): string {
  const { start, end } = s.memory;
  return `${s.errors} errors in ${s.requests.toLocaleString('en-US')} requests; api ${start.apiMiB} → ${end.apiMiB} MiB, fanout ${start.fanoutMiB} → ${end.fanoutMiB} MiB`;
}

export function soakSection(s: SoakSummary | undefined): string {
  if (!s) {
    return '## Soak\n\nNo soak on record: `npm run bench:soak` runs one (30 minutes) and adds it here.\n';
  }
  const reasons = Object.entries(s.errorReasons)
    .map(([reason, count]) => `${reason} × ${count}`)
    .join(', ');
  const rows = s.perMinute.map(
    (m) =>
      `| ${m.minute} | ${m.errors} | ${fixed(m.homeP99, 2)} | ${fixed(m.fanoutLagP99, 3)} | ${m.consumerPending} |`,
  );
  return `## Soak

A separate run: \`${s.command}\`${s.commit ? ` at ${s.commit}` : ''}${s.date ? ` on ${s.date}` : ''}. The default mix
for ${s.minutes} minutes at ${s.rate} requests/s (${s.rateFrom}) on the ${s.size} graph, after a minute's warm-up, in
services mode (one \`api\`, one \`fanout\`).

- **Errors:** ${s.errors} in ${s.requests.toLocaleString('en-US')} requests${reasons ? ` (${reasons})` : ''}.
- **Resident memory**, after the warm-up → at the end: api ${s.memory.start.apiMiB} → ${s.memory.end.apiMiB} MiB,
  fanout ${s.memory.start.fanoutMiB} → ${s.memory.end.fanoutMiB} MiB.
- **Fanout lag** over the whole soak: p50 ${fixed(s.fanoutLagSeconds.p50, 3)} s, p99 ${fixed(s.fanoutLagSeconds.p99, 3)} s; the worst minute's p99 ${fixed(s.fanoutLagSeconds.max, 3)} s.

| minute | errors | home p99 (ms) | fanout lag p99 (s) | log messages pending at its end |
|---|---|---|---|---|
${rows.join('\n')}
`;
}
