// Bundles the web client (web/) into dist/web: index.html, app.js, app.css and the static images. Run by
// `npm run build:web` (and so by `npm start`). A build records what it read in dist/.web-inputs.json; when every one
// of those files is as it was, and the static images are the same files, the next build does nothing. `--force`
// builds anyway.
import { copyFile, cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'web');
const record = join(root, 'dist', '.web-inputs.json');
const staticDir = join(root, 'web', 'static');

/** Every file below `dir`, relative to the root. */
async function filesBelow(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** Each file's size and modification time: what "as it was" means. */
async function fingerprint(files) {
  const prints = {};
  for (const file of files) {
    const info = await stat(join(root, file));
    prints[file] = `${info.size}:${info.mtimeMs}`;
  }
  return prints;
}

async function unchanged() {
  let recorded;
  try {
    recorded = JSON.parse(await readFile(record, 'utf8'));
  } catch {
    return false;
  }
  if (JSON.stringify(await filesBelow(staticDir)) !== JSON.stringify(recorded.static)) return false;
  try {
    const now = await fingerprint(Object.keys(recorded.inputs));
    return Object.entries(recorded.inputs).every(([file, print]) => now[file] === print);
  } catch {
    return false; // an input is gone
  }
}

if (process.argv.includes('--force') || !(await unchanged())) {
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
  // What this build read: the bundles' inputs, the page, the images, this script and the locked esbuild version.
  const inputs = [
    ...Object.keys(app.metafile.inputs),
    ...Object.keys(styles.metafile.inputs),
    'web/index.html',
    ...(await filesBelow(staticDir)),
    'scripts/build-web.js',
    'package-lock.json',
  ].filter((file, i, all) => !file.startsWith('node_modules/') && all.indexOf(file) === i);
  await writeFile(
    record,
    `${JSON.stringify({ static: await filesBelow(staticDir), inputs: await fingerprint(inputs) })}\n`,
  );
}
