// What a build step read, kept so the next build can tell in a few milliseconds that nothing changed: each file's
// size and modification time (a file saved again, even unchanged, counts as changed, and the step runs again).
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every file below `dir`, relative to the root, sorted. */
export async function filesBelow(dir) {
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** Each file's size and modification time: what "as it was" means. */
export async function fingerprint(files) {
  const prints = {};
  for (const file of files) {
    const info = await stat(join(root, file));
    prints[file] = `${info.size}:${info.mtimeMs}`;
  }
  return prints;
}

/**
 * Whether the record at `path` (relative to the root) still describes the files: the same `listed` names (the files
 * found below the step's folders, so an added file counts) and every recorded file as it was.
 */
export async function unchanged(path, listed) {
  let recorded;
  try {
    recorded = JSON.parse(await readFile(join(root, path), 'utf8'));
  } catch {
    return false;
  }
  if (JSON.stringify(listed) !== JSON.stringify(recorded.listed)) return false;
  try {
    const now = await fingerprint(Object.keys(recorded.inputs));
    return Object.entries(recorded.inputs).every(([file, print]) => now[file] === print);
  } catch {
    return false; // an input is gone
  }
}

/** Records what a step that just ran read: `listed` as `unchanged` will list it, and its inputs' `fingerprint`. */
export async function record(path, listed, inputs) {
  await writeFile(join(root, path), `${JSON.stringify({ listed, inputs })}\n`);
}
