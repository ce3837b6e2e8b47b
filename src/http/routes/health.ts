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

export function healthRoutes(app: Api, checks: ReadinessCheck[]) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Every dependency checked at once with a short timeout; a 503 names the ones that failed. */
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, `failed: ${error instanceof Error ? error.message : String(error)}`] as const;
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
