import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findChromium } from './e2e/browser.js';
import { probeServers, SERVER_NAMES, type ServerName } from './support/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    servers: Record<ServerName, string | null>;
    /** Why each server is not reachable ('reachable' for those that are). */
    serverReasons: Record<ServerName, string>;
    /** The Chromium for the browser tests, or null. */
    chromium: string | null;
  }
}

/**
 * Finds which real servers are reachable. Suites that need a missing one are skipped (test/support/skipped-reporter.ts
 * lists every skipped test and why at the end); under CI=true a missing server fails the run instead.
 */
export default async function setup(project: TestProject) {
  const servers = await probeServers();
  const missing = SERVER_NAMES.filter((name) => servers[name].url === null);
  if (missing.length > 0 && process.env.CI === 'true') {
    const reasons = missing.map((name) => `  ${name}: ${servers[name].reason}`).join('\n');
    throw new Error(`CI=true and these servers are not reachable:\n${reasons}`);
  }
  const chromium = findChromium();
  if (chromium.path === null && process.env.CI === 'true') {
    throw new Error(`CI=true and the browser tests cannot run: ${chromium.reason}`);
  }
  project.provide('chromium', chromium.path);
  // Images the tests upload go to a folder of this run's own (test/support/harness.ts), removed when it ends.
  const media = mkdtempSync(join(tmpdir(), 'starling-test-media-'));
  process.env.STARLING_TEST_MEDIA_DIR = media;
  project.provide(
    'serverReasons',
    Object.fromEntries(SERVER_NAMES.map((name) => [name, servers[name].reason])) as Record<
      ServerName,
      string
    >,
  );
  project.provide(
    'servers',
    Object.fromEntries(SERVER_NAMES.map((name) => [name, servers[name].url])) as Record<
      ServerName,
      string | null
    >,
  );
  return () => {
    rmSync(media, { recursive: true, force: true });
    // The suites that need a missing server are in the skipped list; the suites that run once per mode run only
    // embedded without PostgreSQL, Redis and NATS, which skips nothing, so it is said here.
    if (missing.length > 0) {
      console.log(
        '\nNot reachable (without PostgreSQL, Redis and NATS the suites run once per mode ran embedded only):',
      );
      for (const name of missing) console.log(`  ${name}: ${servers[name].reason}`);
      console.log(
        'Start them (see README, "Running the tests") to run everything; CI=true makes this an error.',
      );
    }
  };
}
