import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsMediaStore } from '../../src/adapters/filesystem/fs-media-store.js';
import { SqlMediaStore } from '../../src/adapters/sql/sql-media-store.js';
import type { MediaStore } from '../../src/ports/media-store.js';
import { resetDatabase, sharedPglite, sharedPostgres } from '../support/database.js';
import { needs, serverUrl } from '../support/servers.js';

const png = (fill: number) => ({ contentType: 'image/png', bytes: new Uint8Array(2_048).fill(fill) });
const bytesOf = (file: { bytes: Uint8Array } | null) => (file ? [...file.bytes] : null);

/** The MediaStore contract: what every process reading the store may rely on. */
function mediaStoreContract(name: string, open: () => Promise<MediaStore>) {
  describe(`MediaStore contract: ${name}`, () => {
    it('gives back exactly the bytes and type stored under a key, and null for a key never stored', async () => {
      const store = await open();
      await store.put('attachments/1/original.png', png(7));
      await store.put('attachments/1/small.webp', {
        contentType: 'image/webp',
        bytes: new Uint8Array([1, 2, 3]),
      });
      const got = await store.get('attachments/1/original.png');
      expect(got?.contentType).toBe('image/png');
      expect(bytesOf(got)).toEqual([...png(7).bytes]);
      expect(bytesOf(await store.get('attachments/1/small.webp'))).toEqual([1, 2, 3]);
      expect(await store.get('attachments/2/original.png')).toBeNull();
    });

    it('answers null for keys it could never have written, without touching anything outside itself', async () => {
      const store = await open();
      for (const key of [
        '../etc/passwd',
        '/etc/passwd',
        'a/../../b.png',
        'a/b.svg',
        'a/b.png/',
        'A/B.png',
        '',
      ]) {
        expect(await store.get(key), key).toBeNull();
      }
      await expect(store.put('../escape.png', png(1))).rejects.toThrow();
    });

    it('takes the same key again harmlessly, and forgets deleted keys (absent ones are skipped)', async () => {
      const store = await open();
      await store.put('avatars/5/9.jpg', { contentType: 'image/jpeg', bytes: new Uint8Array([9]) });
      await store.put('avatars/5/9.jpg', { contentType: 'image/jpeg', bytes: new Uint8Array([9]) });
      expect(bytesOf(await store.get('avatars/5/9.jpg'))).toEqual([9]);
      await store.delete(['avatars/5/9.jpg', 'avatars/5/10.jpg']);
      expect(await store.get('avatars/5/9.jpg')).toBeNull();
    });

    it('keeps many files apart under concurrent writes', async () => {
      const store = await open();
      const keys = Array.from({ length: 20 }, (_, i) => `attachments/${i}/original.png`);
      await Promise.all(keys.map((key, i) => store.put(key, png(i))));
      const read = await Promise.all(keys.map((key) => store.get(key)));
      expect(read.map((file) => file?.bytes[0])).toEqual(keys.map((_, i) => i));
    });
  });
}

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

mediaStoreContract('filesystem', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'starling-media-'));
  folders.push(folder);
  return new FsMediaStore(folder);
});

describe('FsMediaStore', () => {
  it('leaves no partial file behind a finished write', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'starling-media-'));
    folders.push(folder);
    await new FsMediaStore(folder).put('headers/3/4.webp', {
      contentType: 'image/webp',
      bytes: new Uint8Array(9),
    });
    expect(await readdir(join(folder, 'headers/3'))).toEqual(['4.webp']);
  });
});

mediaStoreContract('PostgreSQL bytea (PGlite)', async () => {
  const sql = await sharedPglite();
  await resetDatabase(sql);
  return new SqlMediaStore(sql);
});

const postgres = serverUrl('postgres');
describe('on PostgreSQL', needs('postgres'), () => {
  mediaStoreContract('PostgreSQL bytea', async () => {
    const sql = await sharedPostgres(postgres as string);
    await resetDatabase(sql);
    return new SqlMediaStore(sql);
  });
});
