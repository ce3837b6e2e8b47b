import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerAccounts } from '../client.js';
import type { Figures } from '../figures.js';
import { startStarling } from '../processes.js';
import { durationMs, EMBEDDED, say } from '../settings.js';
import { wrk } from '../wrk.js';

/**
 * Embedded mode (PGlite, in-process cache and log): 200 accounts made through the API, each following 20 others and
 * posting once, then home reads at full speed with wrk (the generator and settings of the services-mode figure, every
 * account's token in turn), and posts at full speed from 16 clients of this process.
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
  // Every timeline is read once first: the figure is of warm reads, as in services mode.
  for (const token of tokens) {
    const first = await fetch(`${base}/api/v1/timelines/home?limit=40`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (first.status !== 200) throw new Error(`an embedded home read answered ${first.status}`);
    await first.arrayBuffer();
  }
  const reads = await wrk(`${base}/api/v1/timelines/home?limit=40`, durationMs / 3_000, tokens);
  if (reads.errors > 0) throw new Error(`embedded home reads: ${reads.errors} errors`);
  // These accounts were made through the API, so the load generator's token scheme does not apply: post closed-loop
  // here, as a second client.
  const postAtFullSpeed = async (ms: number) => {
    let done = 0;
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: 16 }, async (_, worker) => {
        while (performance.now() < end) {
          const response = await fetch(`${base}/api/v1/statuses`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${tokens[(done + worker) % users]}`,
              'content-type': 'application/json',
            },
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
    homeReadsPerSecond: reads.throughput,
    postsPerSecond: await postAtFullSpeed(durationMs / 6),
  };
  say(
    `embedded: ${Math.round(embedded.homeReadsPerSecond)} home reads/s, ${Math.round(embedded.postsPerSecond)} posts/s`,
  );
  await app.stop();
  await rm(dir, { recursive: true, force: true });
  return embedded;
}
