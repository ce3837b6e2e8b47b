import { describe, expect, it } from 'vitest';
import { needsChromium } from './browser.js';
import { useSite } from './site.js';

/** Likes, retweets, replies, mentions and search, through the pages, against a running Starling. */
describe('the web client on the social routes', needsChromium(), () => {
  const site = useSite();

  it('likes and retweets, and the server keeps both', async () => {
    const liz = await site.signUp('liz');
    const mo = await site.signUp('mo');
    const { id } = await site.postAs(liz, 'Worth a like and a retweet');
    const page = await site.pageFor(mo);
    await page.goto(`${site.base}/tweets/${id}`);
    const card = page.locator('article.detailed');
    await card.getByRole('button', { name: 'Like', exact: true }).click();
    await card.getByRole('button', { name: 'Liked 1' }).waitFor();
    await card.getByRole('button', { name: 'Retweet', exact: true }).click();
    await card.getByRole('button', { name: 'Retweeted 1' }).waitFor();
    await page.reload();
    await card.getByRole('button', { name: 'Liked 1' }).waitFor();
    await card.getByRole('button', { name: 'Retweeted 1' }).waitFor();
    await page.goto(`${site.base}/@mo`);
    await page
      .locator('.items article', { hasText: 'Retweeted by' })
      .filter({ hasText: 'Worth a like' })
      .waitFor();
  });

  it('lists replies on the tweet page', async () => {
    const nia = await site.signUp('nia');
    const oz = await site.signUp('oz');
    const { id } = await site.postAs(nia, 'Ask me anything');
    await site.postAs(oz, 'What is a Snowflake id?', id);
    const page = await site.pageFor();
    await page.goto(`${site.base}/tweets/${id}`);
    await page.locator('.items article', { hasText: 'What is a Snowflake id?' }).waitFor();
    await site.shot(page, 'thread');
  });

  it('shows mentions', async () => {
    const pat = await site.signUp('pat');
    const quinn = await site.signUp('quinn');
    await site.postAs(quinn, 'Thanks @pat for the review, and @nobody_here too');
    const page = await site.pageFor(pat);
    await page.goto(`${site.base}/mentions`);
    const card = page.locator('.items article', { hasText: 'Thanks @pat for the review' });
    await card.waitFor();
    // Only handles that exist link.
    expect(await card.locator('a.mention').allTextContents()).toEqual(['@pat']);
  });

  it('searches posts by hashtag and people by handle', async () => {
    const rae = await site.signUp('rae', 'Rae Searcher');
    await site.postAs(rae, 'Findable by its #needle');
    const page = await site.pageFor();
    await page.goto(`${site.base}/search`);
    await page.getByLabel('Search').fill('#needle');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.items article', { hasText: 'Findable by its #needle' }).waitFor();
    await site.shot(page, 'search');
    await page.goto(`${site.base}/search?q=ra&type=accounts`);
    await page.locator('.account-row', { hasText: '@rae' }).waitFor();
  });
});
