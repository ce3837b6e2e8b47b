import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { needsChromium } from './browser.js';
import { type Account, useSite } from './site.js';

/** The keys of the posts on the page, top first. */
const keysOf = (page: Page) =>
  page
    .locator('.items > li')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-key') ?? ''));

const newestFirst = (keys: string[]) => [...keys].sort((a, b) => (BigInt(a) > BigInt(b) ? -1 : 1));

describe('the timeline in Chromium', needsChromium(), () => {
  const site = useSite();

  async function followed(reader: string, writer: string): Promise<[Account, Account]> {
    const [a, b] = [await site.signUp(reader), await site.signUp(writer)];
    await site.follow(a, b);
    return [a, b];
  }

  it('comes back from a post with the pages it had, scrolled where it was, and marks its end', async () => {
    const [reader, writer] = await followed('reader1', 'writer1');
    for (let i = 1; i <= 100; i++) await site.postAs(writer, `numbered post ${i}`);
    await site.app.workers.drain();

    const page = await site.pageFor(reader);
    await page.goto(`${site.base}/`);
    const items = page.locator('.items > li');
    await items.nth(19).waitFor();
    while (!(await page.locator('.end-of-list').isVisible())) {
      await page.locator('.sentinel').scrollIntoViewIfNeeded();
      await page
        .locator('.end-of-list')
        .or(items.nth(await items.count()))
        .first()
        .waitFor();
    }
    expect(await page.locator('.end-of-list').textContent()).toBe(
      'You have seen every post in your timeline.',
    );
    expect(await items.count()).toBe(100);

    const target = page.locator('.items article .text', { hasText: /^numbered post 30$/ });
    await target.scrollIntoViewIfNeeded();
    await page.evaluate('window.scrollBy(0, -200); window.__sameDocument = true');
    const scrolled = (await page.evaluate('window.scrollY')) as number;
    expect(scrolled).toBeGreaterThan(2_000);
    const reads: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/timelines/home')) reads.push(request.url());
    });
    await target.click();
    await page.locator('article.detailed', { hasText: 'numbered post 30' }).waitFor();

    await page.goBack();
    await page.locator('.items > li').nth(99).waitFor();
    await expect.poll(() => page.evaluate('window.scrollY')).toBe(scrolled);
    expect(await items.count()).toBe(100);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    // Drawn from what it had: no page of the timeline was read again (only the live part's catch-up from the top).
    expect(reads.filter((url) => url.includes('max_id'))).toEqual([]);
    expect(await page.locator('.end-of-list').isVisible()).toBe(true);
  }, 90_000);

  it('puts new posts in by id, below a newer one of my own', async () => {
    const [reader, writer] = await followed('reader2', 'writer2');
    await site.postAs(writer, 'the first post');
    await site.app.workers.drain();
    const page = await site.pageFor(reader);
    await page.goto(`${site.base}/`);
    await page.locator('.live-state[data-live="live"]').waitFor();
    await page.locator('.items article', { hasText: 'the first post' }).waitFor();

    await site.postAs(writer, 'arrived while I was typing');
    await page.getByRole('button', { name: '1 new post' }).waitFor();
    await page.getByLabel('What is happening?').fill('my own, newer than what waits');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.locator('.items article', { hasText: 'my own, newer' }).waitFor();
    await site.postAs(writer, 'the newest of all');
    await page.getByRole('button', { name: '2 new posts' }).click();
    await page.locator('.items article', { hasText: 'the newest of all' }).waitFor();

    const keys = await keysOf(page);
    expect(keys).toHaveLength(4);
    expect(keys).toEqual(newestFirst(keys));
    expect(await page.locator('.items article .text').allTextContents()).toEqual([
      'the newest of all',
      'my own, newer than what waits',
      'arrived while I was typing',
      'the first post',
    ]);
  });

  it('after an outage clears its error, shows the timeline as it is, and offers no false "new posts"', async () => {
    const [reader, writer] = await followed('reader3', 'writer3');
    for (let i = 1; i <= 3; i++) await site.postAs(writer, `before the outage ${i}`);
    await site.app.workers.drain();
    const page = await site.pageFor(reader);
    // The server is unreachable when the page opens: its timeline and its stream both fail.
    await page.route('**/api/v1/{timelines,streaming}/**', (route) => route.abort('connectionfailed'));
    await page.goto(`${site.base}/`);
    await page.getByRole('alert').filter({ hasText: 'Could not load your timeline' }).waitFor();
    await page.locator('.live-state[data-live="offline"]').waitFor();
    expect(await page.locator('.live-state').count(), 'one connection indicator').toBe(1);

    for (let i = 1; i <= 45; i++) await site.postAs(writer, `during the outage ${i}`);
    await site.app.workers.drain();
    await page.unroute('**/api/v1/{timelines,streaming}/**');

    await page.locator('.live-state[data-live="live"]').waitFor();
    await page.locator('.items article', { hasText: 'during the outage 45' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: /\S/ }).count()).toBe(0);
    expect(await page.locator('.new-posts').isHidden()).toBe(true);
    const keys = await keysOf(page);
    expect(keys).toEqual(newestFirst(keys));
    expect(await page.locator('.items article .text').first().textContent()).toBe('during the outage 45');
  });

  it('says "now", then "1 min", then "3 h", then the date, with the full time on hover', async () => {
    const [reader, writer] = await followed('reader4', 'writer4');
    const status = await site.postAs(writer, 'a post to watch age');
    await site.app.workers.drain();
    const page = await site.pageFor(reader);
    const posted = new Date(status.created_at as string);
    await page.clock.install({ time: posted });
    await page.goto(`${site.base}/`);
    const time = page.locator('.items article time');
    await time.filter({ hasText: /^now$/ }).waitFor();
    expect(await time.getAttribute('datetime')).toBe(status.created_at);
    const full = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(posted);
    expect(await time.getAttribute('title')).toBe(full);

    await page.clock.runFor(61_000);
    await time.filter({ hasText: /^1 min$/ }).waitFor();
    await page.clock.runFor(3 * 3_600_000);
    await time.filter({ hasText: /^3 h$/ }).waitFor();
    await page.clock.runFor(2 * 86_400_000);
    const date = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' }).format(posted);
    await time.filter({ hasText: date }).waitFor();
  });

  it('folds a retweet of a post already shown into it: one card, "Retweeted by …"', async () => {
    const [reader, writer] = await followed('reader5', 'writer5');
    const booster = await site.signUp('booster5', 'Booster');
    await site.follow(reader, booster);
    const original = await site.postAs(writer, 'worth saying twice');
    await site.app.workers.drain();
    await site.api('POST', `/api/v1/statuses/${original.id}/reblog`, booster.token);
    await site.app.workers.drain();
    const page = await site.pageFor(reader);
    await page.goto(`${site.base}/`);
    const cards = page.locator('.items article', { hasText: 'worth saying twice' });
    await cards.first().waitFor();
    await page.locator('.list-status .loading').waitFor({ state: 'detached' });
    expect(await cards.count()).toBe(1);
    expect(await cards.locator('.context.retweeted').textContent()).toBe('Retweeted by Booster');
  });
});
