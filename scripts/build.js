// `npm run build` (and the first half of `npm start`): the server (`tsc -b`, src/ → dist/) and the web client
// (scripts/web-client.js), each only when something it read last time changed. An up-to-date `tsc -b` still costs
// about 0.4 s (loading the compiler), too much for every start, so the server step keeps a record like the web
// client's, dist/.server-inputs.json: every file below src/, the compiler's settings and the lock file (its version,
// and the types it reads). `--force` ignores both records (`tsc -b` then decides for itself, as it always did).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { filesBelow, fingerprint, record, root, unchanged } from './build-record.js';
import { buildWeb } from './web-client.js';

const RECORD = 'dist/.server-inputs.json';
const SETTINGS = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build.js'];

const force = process.argv.includes('--force');
const sources = await filesBelow('src');
if (force || !(await unchanged(RECORD, sources))) {
  // Taken before compiling: a file saved while tsc runs makes the next build compile again.
  const inputs = await fingerprint([...sources, ...SETTINGS]);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  await record(RECORD, sources, inputs);
}
await buildWeb({ force });
