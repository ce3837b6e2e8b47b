import { type Audience, drained, openLoad } from '../measure.js';
import { durationMs, mix, say, seed } from '../settings.js';

/** The home-read p99 a rate must hold to count as sustainable. */
const SUSTAINABLE_HOME_P99_MS = 10;

/**
 * The highest rate of the default mix that holds home-read p99 ≤ 10 ms with no errors: open-loop steps (a sixth of
 * the duration, longer when that would give fewer than 300 home reads), doubling from 25 req/s until a step fails,
 * then bisecting three times between the last pass and the first failure (0, without bisecting, when the first step
 * fails).
 */
export async function maxRateScenario(who: Audience) {
  const steps: Array<{ rate: number; seconds: number; homeP99: number; errors: number; sustained: boolean }> =
    [];
  const attempt = async (stepRate: number) => {
    // Long enough for at least 300 home reads, so the p99 is a percentile rather than the one slowest read.
    const stepMs = Math.min(60_000, Math.max(5_000, durationMs / 6, (300 / (0.6 * stepRate)) * 1_000));
    const result = await openLoad(who, {
      rate: stepRate,
      durationMs: stepMs,
      mix,
      seed: seed + 10 + steps.length,
    });
    await drained();
    const errors = Object.values(result.operations).reduce((sum, o) => sum + (o?.errors ?? 0), 0);
    const homeP99 = result.operations.home?.p99 ?? Number.POSITIVE_INFINITY;
    const sustained = errors === 0 && homeP99 <= SUSTAINABLE_HOME_P99_MS;
    steps.push({ rate: stepRate, seconds: stepMs / 1_000, homeP99, errors, sustained });
    say(`max rate: ${stepRate} req/s → home p99 ${homeP99.toFixed(1)} ms${sustained ? '' : ' (too slow)'}`);
    return sustained;
  };
  let low = 0;
  let high = 25;
  while (await attempt(high)) {
    low = high;
    high *= 2;
    if (high > 20_000) break;
  }
  // When even the first step fails, the bound is below what load does to latency here: bisecting down finds nothing.
  for (let i = 0; i < 3 && low > 0 && high - low > 5; i++) {
    const middle = Math.round((low + high) / 2);
    if (await attempt(middle)) low = middle;
    else high = middle;
  }
  return { rate: low, homeP99BoundMs: SUSTAINABLE_HOME_P99_MS, steps };
}
