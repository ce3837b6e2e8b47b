// Bundles the web client (web/) into dist/web: index.html, app.js, app.css and the static images; called by
// scripts/build.js (`npm run build`, `npm start`) and scripts/build-web.js (`npm run build:web`). A build records what
// it read in dist/.web-inputs.json; when every one of those files is as it was, and the static images are the same
// files, the next build does nothing.
import { copyFile, cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { filesBelow, fingerprint, record, root, unchanged } from './build-record.js';

const outdir = join(root, 'dist', 'web');
const RECORD = 'dist/.web-inputs.json';
const STATIC = 'web/static';
const staticDir = join(root, STATIC);

/** Builds the web client unless nothing it read last time changed (or `force`). */
export async function buildWeb({ force = false } = {}) {
  if (!force && (await unchanged(RECORD, await filesBelow(STATIC)))) return;
  // Loaded only when there is something to build: a start on an unchanged checkout does not pay for it.
  const { build } = await import('esbuild');
  await mkdir(outdir, { recursive: true });
  const app = await build({
    absWorkingDir: root,
    entryPoints: { app: 'web/src/main.ts' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  const styles = await build({
    absWorkingDir: root,
    entryPoints: { app: 'web/app.css' },
    outdir,
    bundle: true,
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  await copyFile(join(root, 'web', 'index.html'), join(outdir, 'index.html'));
  // Images served as they are: the default avatar and header every account shows until it has its own, the icon.
  await cp(staticDir, outdir, { recursive: true });
  // The app icons a phone or a browser asks for, cut from the one 512 px icon: the manifest's 192 px, the home-screen
  // icon iOS looks for, and a maskable one (the mark inside the safe circle, on the icon's own blue).
  const { default: sharp } = await import('sharp');
  const icon = join(staticDir, 'icon.png');
  await sharp(icon).resize(192, 192).png().toFile(join(outdir, 'icon-192.png'));
  await sharp(icon).resize(180, 180).png().toFile(join(outdir, 'apple-touch-icon.png'));
  await sharp(icon)
    .resize(410, 410)
    .extend({ top: 51, bottom: 51, left: 51, right: 51, background: '#1d6fd8' })
    .png()
    .toFile(join(outdir, 'icon-maskable.png'));
  // What this build read: the bundles' inputs, the page, the images, these scripts and the locked esbuild version.
  const inputs = [
    ...Object.keys(app.metafile.inputs),
    ...Object.keys(styles.metafile.inputs),
    'web/index.html',
    ...(await filesBelow(STATIC)),
    'scripts/web-client.js',
    'scripts/build-record.js',
    'package-lock.json',
  ].filter((file, i, all) => !file.startsWith('node_modules/') && all.indexOf(file) === i);
  await record(RECORD, await filesBelow(STATIC), await fingerprint(inputs));
}
