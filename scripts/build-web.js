// Bundles the web client (web/) into dist/web: index.html, app.js, app.css and the static images. Run by
// `npm run build:web`.
import { copyFile, cp, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import sharp from 'sharp';

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
// The app icons a phone or a browser asks for, cut from the one 512 px icon: the manifest's 192 px, the home-screen
// icon iOS looks for, and a maskable one (the mark inside the safe circle, on the icon's own blue).
const icon = join(root, 'web', 'static', 'icon.png');
await sharp(icon).resize(192, 192).png().toFile(join(outdir, 'icon-192.png'));
await sharp(icon).resize(180, 180).png().toFile(join(outdir, 'apple-touch-icon.png'));
await sharp(icon)
  .resize(410, 410)
  .extend({ top: 51, bottom: 51, left: 51, right: 51, background: '#1d6fd8' })
  .png()
  .toFile(join(outdir, 'icon-maskable.png'));
