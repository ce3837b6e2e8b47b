import type { Api } from '../api.js';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 1_000;

function withTimeout(check: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** `/healthz` always; `/readyz` when given its checks (not where it has a port of its own). */
export function healthRoutes(app: Api, checks: ReadinessCheck[] | undefined) {
  app.get('/healthz', async () => ({ status: 'ok' }));
  if (!checks) return;

  /**
   * Every dependency checked at once with a short timeout; a 503 names the ones that failed, and no more: addresses
   * and driver messages go to the log, not to whoever can reach the port.
   */
  app.get('/readyz', async (request, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check);
          return [name, 'ok'] as const;
        } catch (error) {
          request.log.warn({ err: error, dependency: name }, 'readiness check failed');
          return [name, 'failed'] as const;
        }
      }),
    );
    const failed = results.filter(([, status]) => status !== 'ok').map(([name]) => name);
    return reply.status(failed.length === 0 ? 200 : 503).send({
      status: failed.length === 0 ? 'ready' : 'unavailable',
      failed,
      checks: Object.fromEntries(results),
    });
  });
}
