import { cpuCores } from '../capacity-samples.js';
import { tokenOf } from '../graph.js';
import { API, durationMs, say } from '../settings.js';
import { wrk } from '../wrk.js';

/**
 * Home reads at full speed (closed loop): the same generator and settings as the HTTP ceiling, over every reader's
 * session in turn; with the api's CPU use for the capacity model.
 */
export async function fullSpeedScenario(readers: number) {
  say('home reads at full speed (closed loop)');
  const homeCpu = await cpuCores(API.base);
  const maxHome = await wrk(
    `${API.base}/api/v1/timelines/home?limit=50`,
    durationMs / 3_000,
    Array.from({ length: readers }, (_, i) => tokenOf(i)),
  );
  return { maxHome, homeApiCores: await homeCpu() };
}
