import type { MediaAttachment } from '../domain/model.js';

/** The fields of an upload its owner may change until a post lists it. */
export interface MediaChanges {
  description?: string | undefined;
  focus?: { x: number; y: number } | undefined;
}

/** Uploaded images' records (their files are in the MediaStore). */
export interface MediaAttachmentStore {
  create(media: MediaAttachment): Promise<void>;
  /** The account's own uploads among `ids`, attached or not. */
  ownedBy(accountId: bigint, ids: readonly bigint[]): Promise<Map<bigint, MediaAttachment>>;
  /** Changes an upload of the account's that no post lists yet; null when there is none such. */
  updateUnattached(accountId: bigint, id: bigint, changes: MediaChanges): Promise<MediaAttachment | null>;
}
