// Bundles the web client (web/) into dist/web: index.html, app.js, app.css and the static images. Run by
// `npm run build:web`.
import { copyFile, cp, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'web');

await mkdir(outdir, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { app: 'web/src/main.ts' },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
await build({
  absWorkingDir: root,
  entryPoints: { app: 'web/app.css' },
  outdir,
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
await copyFile(join(root, 'web', 'index.html'), join(outdir, 'index.html'));
// Images served as they are: the default avatar and header every account shows until it has its own, the icon.
await cp(join(root, 'web', 'static'), outdir, { recursive: true });
