import { describe, expect, it } from 'vitest';
import type { Account } from '../../src/domain/model.js';
import { EMPTY_PROFILE } from '../../src/domain/profile.js';
import { presentAccount } from '../../src/http/presenters/account.js';
import { contentHtml, inlineHtml } from '../../src/http/presenters/content.js';

const none = new Set<string>();

describe('post markup', () => {
  it('is the same whether made afresh or kept, and kept apart by everything it depends on', () => {
    const text = 'hi @bob, see #cats at example.com';
    const a = 'https://a.example';
    const b = 'https://b.example';
    const plain = contentHtml(text, none, a);
    expect(contentHtml(text, none, a)).toBe(plain);
    // The mention is a link only for an account the post mentions.
    expect(plain).not.toContain('u-url mention');
    const mentioning = contentHtml(text, new Set(['bob']), a);
    expect(mentioning).toContain(`href="${a}/@bob"`);
    expect(contentHtml(text, new Set(['bob']), a)).toBe(mentioning);
    // Another origin, its own links.
    expect(contentHtml(text, new Set(['bob']), b)).toContain(`href="${b}/@bob"`);
    expect(contentHtml(text, none, b)).toContain(`href="${b}/tags/cats"`);
    // A profile field is the same markup without the paragraph.
    expect(inlineHtml(text, none, a)).toBe(plain.slice('<p>'.length, -'</p>'.length));
    // An edited text is another text.
    expect(contentHtml(`${text}!`, none, a)).toBe(plain.replace('</p>', '!</p>'));
  });
});

describe('an account’s presentation', () => {
  it('is kept beside the account for its origin, and made again for another origin or a changed account', () => {
    const account: Account = {
      id: 7n,
      handle: 'lena',
      displayName: 'Lena',
      createdAt: new Date(0),
      followersCount: 1,
      followingCount: 2,
      tweetsCount: 3,
      fanoutMode: 'push',
      ...EMPTY_PROFILE,
    };
    const here = presentAccount(account, { origin: 'https://a.example' });
    expect(presentAccount(account, { origin: 'https://a.example' })).toBe(here);
    expect(presentAccount(account, { origin: 'https://b.example' }).url).toBe('https://b.example/@lena');
    // The directory hands out a new object when the account changed.
    expect(
      presentAccount({ ...account, followersCount: 2 }, { origin: 'https://a.example' }).followers_count,
    ).toBe(2);
  });
});
