import { describe, expect, it } from 'vitest';
import { needsChromium } from './browser.js';
import { useSite } from './site.js';

/** A post's page shows its whole conversation; every reply names whom it answers. */
describe('the web client on conversations', needsChromium(), () => {
  const site = useSite();

  it('shows what a post answers above it and its replies below, as a tree', async () => {
    const ada = await site.signUp('ada');
    const ben = await site.signUp('ben');
    const cy = await site.signUp('cy');
    const root = await site.postAs(ada, 'Where should the meetup be?');
    const middle = await site.postAs(ben, 'The library, it has a big room', root.id);
    const first = await site.postAs(ada, 'Is it free on Thursdays?', middle.id);
    const deeper = await site.postAs(ben, 'Yes, until eight', first.id);
    const second = await site.postAs(cy, 'I would rather meet at the park', middle.id);

    const page = await site.pageFor(cy);
    await page.goto(`${site.base}/tweets/${middle.id}`);
    const earlier = page.getByRole('list', { name: 'Earlier in the thread' });
    await earlier.locator('article', { hasText: 'Where should the meetup be?' }).waitFor();
    // The post itself comes after what it answers, and before its replies.
    const texts = await page.locator('article .text').allTextContents();
    expect(texts).toEqual([
      'Where should the meetup be?',
      'The library, it has a big room',
      'Is it free on Thursdays?',
      'Yes, until eight',
      'I would rather meet at the park',
    ]);
    const replies = page.getByRole('list', { name: 'Replies' });
    // Both direct replies at the top of the tree, oldest first; the answer to the first one nested under it.
    const top = replies.locator(':scope > li');
    expect(await top.count()).toBe(2);
    const firstItem = replies.locator(`:scope > li[data-key="${first.id}"]`);
    await firstItem.locator(`ol.nested > li[data-key="${deeper.id}"]`).waitFor();
    await replies.locator(`:scope > li[data-key="${second.id}"]`).waitFor();
    // None of these replies mentions anyone, and each still names whom it answers.
    // Looked up by id (the reply mentions no one), so it is named a moment after the card is drawn.
    await page.locator(`[data-id="${deeper.id}"] .replying-to`, { hasText: 'Replying to @ada' }).waitFor();
    expect(await page.locator(`[data-id="${second.id}"] .replying-to`).textContent()).toBe(
      'Replying to @ben',
    );
    expect(await page.locator('article.detailed .replying-to').textContent()).toBe('Replying to @ada');
    await site.shot(page, 'conversation');
  });

  it('names whom a reply answers on a timeline card, linked to the post it answers', async () => {
    const dee = await site.signUp('dee');
    const eli = await site.signUp('eli');
    const asked = await site.postAs(dee, 'Anyone up for chess?');
    const answer = await site.postAs(eli, 'Me, tonight', asked.id);
    const page = await site.pageFor();
    await page.goto(`${site.base}/@eli`);
    const card = page.locator('.items article', { hasText: 'Me, tonight' });
    const named = card.locator('.replying-to a', { hasText: '@dee' });
    await named.waitFor();
    expect(await card.locator('.replying-to').textContent()).toBe('Replying to @dee');
    await named.click();
    await page.waitForURL(`${site.base}/tweets/${asked.id}`);
    await page.locator('.items article', { hasText: 'Me, tonight' }).waitFor();
    expect(await page.locator(`[data-id="${answer.id}"] .replying-to`).textContent()).toBe(
      'Replying to @dee',
    );
  });
});
