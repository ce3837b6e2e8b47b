import { metric } from './processes.js';

/** What a run measures for the capacity model beyond the report's figures: where the CPU went in three scenarios. */
export interface CapacitySamples {
  /** Cores the api process used during full-speed home reads (CPU seconds / seconds). */
  homeApiCores?: number;
  /** Cores the api process used while posting at 500/s. */
  postsApiCores?: number;
  /** Cores the fanout process used while fanning out the burst. */
  fanoutCores?: number;
  /** Redis's own time per command, and commands per delivery, while the burst was fanned out (INFO commandstats). */
  redisUsecPerCall?: number;
  redisCallsPerDelivery?: number;
}

/**
 * Starts measuring a Starling process's CPU (its `process_cpu_seconds_total`); the returned function gives the cores
 * it used on average since. On a shared machine this is the share the process got, not what it could use alone.
 */
export async function cpuCores(base: string): Promise<() => Promise<number>> {
  const name = 'starling_process_cpu_seconds_total';
  const [cpu, started] = [await metric(base, name), performance.now()];
  return async () => ((await metric(base, name)) - cpu) / ((performance.now() - started) / 1_000);
}

/** Redis's time per call and calls per delivery, from `INFO commandstats` since a `CONFIG RESETSTAT`. */
export function redisCallStats(commandstats: string, deliveries: number): CapacitySamples {
  let calls = 0;
  let usec = 0;
  for (const match of commandstats.matchAll(/^cmdstat_\w+:calls=(\d+),usec=(\d+)/gm)) {
    calls += Number(match[1]);
    usec += Number(match[2]);
  }
  if (calls === 0 || deliveries === 0) return {};
  return { redisUsecPerCall: usec / calls, redisCallsPerDelivery: calls / deliveries };
}
