/** A stored file: its bytes and the content type Starling's own encoder gave it. */
export interface StoredFile {
  contentType: string;
  bytes: Uint8Array;
}

/**
 * Where image files live: the re-encoded originals and previews of attachments, avatars and headers. Keys are
 * Starling's own (`MEDIA_KEY`, the extension naming the type) and immutable: a changed image is a new key, so what
 * is served under a key may be cached for good. Writing a key again with the same bytes is harmless.
 */
export interface MediaStore {
  /** Stores the file under `key`; once this resolves, every process reading the store finds it. */
  put(key: string, file: StoredFile): Promise<void>;
  /** The file, or null when there is none under `key`. */
  get(key: string): Promise<StoredFile | null>;
  /** Forgets the files; keys that are not there are skipped. */
  delete(keys: readonly string[]): Promise<void>;
}
