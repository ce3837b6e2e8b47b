import { validationFailed } from './errors.js';
import { CONTROL_CHARACTERS } from './tweet-text.js';

const HANDLE = /^[A-Za-z0-9_]{1,15}$/;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_DISPLAY_NAME_LENGTH = 50;

export const isHandle = (value: string): boolean => HANDLE.test(value);

export function checkHandle(handle: string): string {
  if (!isHandle(handle)) throw validationFailed('handle must be 1–15 letters, digits or underscores');
  return handle;
}

export function checkPassword(password: string): string {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw validationFailed(`password must be ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters`);
  }
  return password;
}

export function checkDisplayName(raw: string): string {
  if (!raw.isWellFormed()) throw validationFailed('display_name contains an unpaired surrogate');
  if (CONTROL_CHARACTERS.test(raw)) throw validationFailed('display_name contains control characters');
  const name = raw.normalize('NFC').trim();
  if ([...name].length > MAX_DISPLAY_NAME_LENGTH) {
    throw validationFailed(`display_name is limited to ${MAX_DISPLAY_NAME_LENGTH} characters`);
  }
  return name;
}
