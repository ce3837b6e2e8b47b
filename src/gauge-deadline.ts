/** How long a scrape waits for a gauge's source (NATS, PostgreSQL, Redis) before it serves the last value. */
export const GAUGE_DEADLINE_MS = 500;

/**
 * `value`, or a rejection once the gauge deadline has passed: a dependency that is down or slow never holds up
 * /metrics (a NATS request would otherwise wait its whole timeout). A late answer or failure is ignored.
 */
export async function withinGaugeDeadline<T>(value: Promise<T>): Promise<T> {
  value.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time for the scrape')), GAUGE_DEADLINE_MS);
  });
  try {
    return await Promise.race([value, late]);
  } finally {
    clearTimeout(timer);
  }
}
