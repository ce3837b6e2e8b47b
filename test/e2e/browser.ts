import { accessSync, constants } from 'node:fs';
import { inject, type TestOptions } from 'vitest';
import { runIf } from '../support/servers.js';

/** Where the browser tests look for Chromium (Debian's package); CHROMIUM_PATH overrides it. */
export const CHROMIUM_DEFAULT = '/usr/bin/chromium';

/** The Chromium to drive, or why there is none. */
export function findChromium(): { path: string | null; reason: string } {
  const path = process.env.CHROMIUM_PATH || CHROMIUM_DEFAULT;
  try {
    accessSync(path, constants.X_OK);
    return { path, reason: 'found' };
  } catch {
    return {
      path: null,
      reason: `no executable at ${path} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
    };
  }
}

/**
 * Flags for a headless Chromium on a machine with no network but loopback: without the background-networking ones
 * it keeps trying to reach its vendor's services.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium the global set-up found, or null (the browser suites are then skipped). */
export const chromiumPath = (): string | null => inject('chromium');

/** Options for a browser suite: skipped, saying why, when there is no Chromium to drive. */
export const needsChromium = (): TestOptions => runIf(chromiumPath() !== null, findChromium().reason);
