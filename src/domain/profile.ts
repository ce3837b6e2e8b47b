import { validationFailed } from './errors.js';
import type { Account, ProfileField } from './model.js';
import { CONTROL_CHARACTERS } from './tweet-text.js';

/** What an account's profile says before its owner changes anything. */
export const EMPTY_PROFILE: Pick<
  Account,
  'note' | 'fields' | 'profileMentions' | 'avatarKey' | 'headerKey' | 'bot' | 'discoverable' | 'defaults'
> = {
  note: '',
  fields: [],
  profileMentions: [],
  avatarKey: null,
  headerKey: null,
  bot: false,
  discoverable: true,
  defaults: { privacy: 'public', sensitive: false, language: null },
};

export const PROFILE_LIMITS = {
  /** Characters of the bio (Mastodon's). */
  note: 500,
  fields: 4,
  /** Characters of a field's name and of its value. */
  fieldName: 255,
  fieldValue: 255,
} as const;

/** Plain text a person wrote about themselves: NFC, no control characters but line breaks, at most `max`. */
export function profileText(raw: string, name: string, max: number, { trim = true } = {}): string {
  if (!raw.isWellFormed()) throw validationFailed(`${name} contains an unpaired surrogate`);
  if (CONTROL_CHARACTERS.test(raw)) throw validationFailed(`${name} contains control characters`);
  const normalized = raw.normalize('NFC');
  const text = trim ? normalized.trim() : normalized;
  if ([...text].length > max) throw validationFailed(`${name} is limited to ${max} characters`);
  return text;
}

/** The bio, as its owner typed it: surrounding space trimmed, line breaks kept. */
export const parseNote = (raw: string): string => profileText(raw, 'note', PROFILE_LIMITS.note);

/** Up to four fields; pairs whose name and value are both empty are dropped, as Mastodon drops them. */
export function parseFields(raw: readonly { name?: unknown; value?: unknown }[]): ProfileField[] {
  const fields = raw
    .map((field, i) => ({
      name: profileText(String(field.name ?? ''), `fields_attributes[${i}][name]`, PROFILE_LIMITS.fieldName),
      value: profileText(
        String(field.value ?? ''),
        `fields_attributes[${i}][value]`,
        PROFILE_LIMITS.fieldValue,
      ),
    }))
    .filter((field) => field.name !== '' || field.value !== '');
  if (fields.length > PROFILE_LIMITS.fields) {
    throw validationFailed(`at most ${PROFILE_LIMITS.fields} profile fields`);
  }
  return fields;
}
