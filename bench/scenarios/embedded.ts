import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerAccounts } from '../client.js';
import type { Figures } from '../figures.js';
import { startStarling } from '../processes.js';
import { durationMs, EMBEDDED, say } from '../settings.js';

/**
 * Embedded mode (PGlite, in-process cache and log): 200 accounts made through the API, each following 20 others and
 * posting once, then home reads and posts at full speed from 16 clients.
 */
export async function embeddedScenario(): Promise<Figures['embedded']> {
  say('embedded mode (PGlite, in-process cache and log)');
  const dir = await mkdtemp(join(tmpdir(), 'starling-bench-embedded-'));
  const base = EMBEDDED.base;
  const app = await startStarling(
    'start',
    { PORT: String(EMBEDDED.port), STARLING_DATA_DIR: dir, STARLING_SCRYPT_LOG_N: '10' },
    EMBEDDED.port,
  );
  const users = 200;
  const tokens = await registerAccounts(
    base,
    Array.from({ length: users }, (_, i) => `e${i}`),
    'bench password',
  );
  const ids: string[] = [];
  for (const token of tokens) {
    const me = await fetch(`${base}/api/v1/accounts/verify_credentials`, {
      headers: { authorization: `Bearer ${token}` },
    });
    ids.push(((await me.json()) as { id: string }).id);
  }
  for (let i = 0; i < users; i++) {
    for (let k = 1; k <= 20; k++) {
      await fetch(`${base}/api/v1/accounts/${ids[(i + k * 7) % users]}/follow`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[i]}` },
      });
    }
    await fetch(`${base}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: `hello from e${i}` }),
    });
  }
  // These accounts were made through the API, so the load generator's token scheme does not apply: read closed-loop
  // here, as a second client.
  const measure = async (op: 'home' | 'post', ms: number) => {
    let done = 0;
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: 16 }, async (_, worker) => {
        while (performance.now() < end) {
          const token = tokens[(done + worker) % users] as string;
          const response =
            op === 'home'
              ? await fetch(`${base}/api/v1/timelines/home?limit=40`, {
                  headers: { authorization: `Bearer ${token}` },
                })
              : await fetch(`${base}/api/v1/statuses`, {
                  method: 'POST',
                  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                  body: JSON.stringify({ status: `embedded ${done}` }),
                });
          await response.arrayBuffer();
          done += 1;
        }
      }),
    );
    return done / (ms / 1_000);
  };
  const embedded = {
    homeReadsPerSecond: await measure('home', durationMs / 3),
    postsPerSecond: await measure('post', durationMs / 6),
  };
  say(
    `embedded: ${Math.round(embedded.homeReadsPerSecond)} home reads/s, ${Math.round(embedded.postsPerSecond)} posts/s`,
  );
  await app.stop();
  await rm(dir, { recursive: true, force: true });
  return embedded;
}
