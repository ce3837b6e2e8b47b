import { call } from './api.js';

interface InstanceJson {
  configuration?: { statuses?: { max_characters?: number } };
}

/** Twitter's, and the server's unless it says otherwise. */
export const DEFAULT_MAX_CHARACTERS = 280;

let limit: Promise<number> | undefined;

/** The longest post the server takes (`/api/v2/instance`), asked once; the default if it cannot be read. */
export function maxCharacters(): Promise<number> {
  limit ??= call<InstanceJson>('GET', '/api/v2/instance', { anonymous: true }).then(
    (instance) => instance.configuration?.statuses?.max_characters ?? DEFAULT_MAX_CHARACTERS,
    () => {
      limit = undefined;
      return DEFAULT_MAX_CHARACTERS;
    },
  );
  return limit;
}
