import twitterText from 'twitter-text';
import { notFound, notSupported } from '../domain/errors.js';
import { checkDisplayName } from '../domain/handle.js';
import type { Account, ProfileField, Visibility } from '../domain/model.js';
import { parseFields, parseNote } from '../domain/profile.js';
import { parseLanguage } from '../domain/tweet-text.js';
import type { AccountStore, ProfileUpdate } from '../ports/account-store.js';
import type { AuthorDirectory } from './authors.js';
import type { MediaService } from './media.js';

export interface ProfileDeps {
  accounts: AccountStore;
  media: Pick<MediaService, 'profileImage'>;
  authors: Pick<AuthorDirectory, 'forget'>;
}

/** What `update_credentials` may change; absent fields stay as they are. */
export interface ProfileInput {
  displayName?: string | undefined;
  note?: string | undefined;
  /** Files, as multipart bodies carry them (anything else is refused). */
  avatar?: unknown;
  header?: unknown;
  locked?: boolean | undefined;
  bot?: boolean | undefined;
  discoverable?: boolean | undefined;
  fields?: readonly { name?: unknown; value?: unknown }[] | undefined;
  privacy?: Visibility | undefined;
  sensitive?: boolean | undefined;
  language?: string | undefined;
}

/** Handles the note and fields mention, lower-cased, each once: the store links those that name accounts. */
function mentionsIn(note: string, fields: readonly ProfileField[]): string[] {
  const texts = [note, ...fields.map((f) => f.value)];
  return [...new Set(texts.flatMap((text) => twitterText.extractMentions(text).map((h) => h.toLowerCase())))];
}

/**
 * Changing one's profile. Every field is checked before anything is stored; images go through the media pipeline
 * (cropped to 400 × 400 and 1500 × 500) before the account row changes. The row changes in one transaction with an
 * `account.updated` event, which the workers turn into a notice to every api process to forget its copy; this
 * process forgets its own at once, so the owner's next page shows the change.
 */
export function createProfileService({ accounts, media, authors }: ProfileDeps) {
  return {
    async update(accountId: bigint, input: ProfileInput): Promise<Account> {
      // Mastodon's locked accounts approve each follower; Starling has no follow requests, so it is never on.
      if (input.locked === true) {
        throw notSupported('locked accounts (follow requests) are not supported; locked must be false');
      }
      const current = (await accounts.byIds([accountId])).get(accountId);
      if (!current) throw notFound('account');
      const displayName =
        input.displayName === undefined
          ? current.displayName
          : checkDisplayName(input.displayName) || current.handle;
      const note = input.note === undefined ? current.note : parseNote(input.note);
      const fields = input.fields === undefined ? current.fields : parseFields(input.fields);
      const update: ProfileUpdate = {
        displayName,
        note,
        fields,
        mentions: mentionsIn(note, fields),
        bot: input.bot ?? current.bot,
        discoverable: input.discoverable ?? current.discoverable,
        defaults: {
          privacy: input.privacy ?? current.defaults.privacy,
          sensitive: input.sensitive ?? current.defaults.sensitive,
          language: input.language === undefined ? current.defaults.language : parseLanguage(input.language),
        },
        avatarKey: current.avatarKey,
        headerKey: current.headerKey,
      };
      if (input.avatar !== undefined)
        update.avatarKey = await media.profileImage(accountId, input.avatar, 'avatar');
      if (input.header !== undefined)
        update.headerKey = await media.profileImage(accountId, input.header, 'header');
      const updated = await accounts.updateProfile(accountId, update, { type: 'account.updated', accountId });
      if (!updated) throw notFound('account');
      authors.forget(accountId);
      return updated;
    },

    /** Back to the default avatar or header (`DELETE /api/v1/profile/avatar`). */
    async removeImage(accountId: bigint, which: 'avatar' | 'header'): Promise<Account> {
      const current = (await accounts.byIds([accountId])).get(accountId);
      if (!current) throw notFound('account');
      const update: ProfileUpdate = {
        ...current,
        mentions: current.profileMentions,
        avatarKey: which === 'avatar' ? null : current.avatarKey,
        headerKey: which === 'header' ? null : current.headerKey,
      };
      const updated = await accounts.updateProfile(accountId, update, { type: 'account.updated', accountId });
      if (!updated) throw notFound('account');
      authors.forget(accountId);
      return updated;
    },
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;
