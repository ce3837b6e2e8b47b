import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { contentTypeOfKey, MEDIA_KEY } from '../../domain/media.js';
import type { MediaStore, StoredFile } from '../../ports/media-store.js';

/** A key Starling wrote, or an error: a key is a path below the folder, and must never leave it. */
function checkKey(key: string): string {
  if (!MEDIA_KEY.test(key)) throw new Error(`not a media key: ${JSON.stringify(key)}`);
  return key;
}

/**
 * Embedded mode's media store: one file per key under a folder (`STARLING_DATA_DIR/media`). A file is written beside
 * its place and renamed into it, so a reader never sees half of one. The type is the key's extension (keys are
 * Starling's own, made by the encoder that wrote the bytes).
 */
export class FsMediaStore implements MediaStore {
  constructor(private readonly root: string) {}

  async put(key: string, file: StoredFile): Promise<void> {
    const path = join(this.root, checkKey(key));
    if (contentTypeOfKey(key) !== file.contentType) {
      throw new Error(`key ${key} does not name the type ${file.contentType}`);
    }
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${randomUUID()}.partial`;
    await writeFile(partial, file.bytes);
    await rename(partial, path);
  }

  async get(key: string): Promise<StoredFile | null> {
    const contentType = MEDIA_KEY.test(key) ? contentTypeOfKey(key) : null;
    if (!contentType) return null;
    try {
      return { contentType, bytes: await readFile(join(this.root, key)) };
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) await rm(join(this.root, checkKey(key)), { force: true });
  }
}
