import type { mastodon } from 'masto';
import { expect } from 'vitest';

/**
 * The fields typed Mastodon clients cannot do without (Tusky's and Ice Cubes' entities, Elk's string methods), as
 * masto.js hands them over: present, of the right type, empty arrays where there is nothing.
 */

/** Ice Cubes' date parser wants the milliseconds. */
export const MILLISECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const IMAGE = /\.(png|jpg|webp|gif)$/;

export function expectAccount(account: mastodon.v1.Account, username: string) {
  expect(account).toMatchObject({
    id: expect.stringMatching(/^[0-9]+$/),
    username,
    acct: username,
    displayName: expect.any(String),
    note: expect.any(String),
    url: expect.stringMatching(/^http/),
    // Real images (PNG, not SVG): the default ones, or what the owner uploaded, re-encoded.
    avatar: expect.stringMatching(IMAGE),
    avatarStatic: expect.stringMatching(IMAGE),
    header: expect.stringMatching(IMAGE),
    headerStatic: expect.stringMatching(IMAGE),
    fields: expect.any(Array),
    emojis: [],
    locked: false,
    bot: false,
    followersCount: expect.any(Number),
    followingCount: expect.any(Number),
    statusesCount: expect.any(Number),
  });
  expect(account.createdAt).toMatch(MILLISECONDS);
}

export function expectStatus(status: mastodon.v1.Status) {
  expect(status).toMatchObject({
    id: expect.stringMatching(/^[0-9]+$/),
    uri: expect.stringMatching(/^http/),
    url: expect.stringMatching(/^http/),
    content: expect.any(String),
    visibility: expect.stringMatching(/^(public|unlisted|private|direct)$/),
    sensitive: expect.any(Boolean),
    spoilerText: expect.any(String),
    mediaAttachments: expect.any(Array),
    mentions: expect.any(Array),
    tags: expect.any(Array),
    emojis: [],
    reblogsCount: expect.any(Number),
    favouritesCount: expect.any(Number),
    repliesCount: expect.any(Number),
    favourited: expect.any(Boolean),
    reblogged: expect.any(Boolean),
  });
  expect(status.createdAt).toMatch(MILLISECONDS);
  expect(status.editedAt === null || MILLISECONDS.test(status.editedAt)).toBe(true);
  expect(status.account.username).toEqual(expect.any(String));
  expect(status.reblog === null || typeof status.reblog === 'object').toBe(true);
  expect('inReplyToId' in status && 'inReplyToAccountId' in status && 'language' in status).toBe(true);
}
