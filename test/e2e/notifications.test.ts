import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { needsChromium } from './browser.js';
import { type Account, useSite } from './site.js';

/** Likes, retweets, follows and mentions reach the reader live: on the notifications page, the badge and the title. */
describe('the web client on notifications', needsChromium(), () => {
  const site = useSite();

  /** An action by someone else, with the workers drained so its notification is written and sent. */
  const act = async (action: Promise<unknown>) => {
    await action;
    await site.app.workers.drain();
  };

  /** Set once the page has loaded: still set later means nothing reloaded it. */
  const markPage = (page: Page) => page.evaluate('window.__notReloaded = true');
  const notReloaded = (page: Page) => page.evaluate('window.__notReloaded === true');
  /** Waits for the tab's title to be exactly this (polled from here: a predicate in the page would be eval'd, which
   * its Content-Security-Policy refuses). */
  const titleIs = (page: Page, title: string) => expect.poll(() => page.title()).toBe(title);

  const badge = (page: Page) => page.locator('#nav .unread-badge');

  const marker = async (user: Account): Promise<string | undefined> =>
    (await site.api('GET', '/api/v1/markers?timeline[]=notifications', user.token)).notifications
      ?.last_read_id;

  it('shows a like, a retweet, a follow and a mention as each happens, grouped and newest first', async () => {
    const zoe = await site.signUp('zoe', 'Zoe');
    const bob = await site.signUp('bob', 'Bob');
    const post = await site.postAs(zoe, 'Tea or coffee?');
    const page = await site.pageFor(zoe);
    await page.goto(`${site.base}/notifications`);
    await page.getByText('Nothing yet.', { exact: false }).waitFor();
    await markPage(page);
    const list = page.getByRole('list', { name: 'Notifications' });
    const card = (type: string, text: string) =>
      list.locator(`article[data-type="${type}"]`, { hasText: text });

    await act(site.api('POST', `/api/v1/statuses/${post.id}/favourite`, bob.token));
    await card('favourite', 'Bob liked your post').waitFor();
    expect(await card('favourite', 'Bob liked your post').textContent()).toContain('Tea or coffee?');

    await act(site.api('POST', `/api/v1/statuses/${post.id}/reblog`, bob.token));
    await card('reblog', 'Bob retweeted your post').waitFor();

    await act(site.follow(bob, zoe));
    await card('follow', 'Bob followed you').waitFor();

    await act(site.postAs(bob, 'Coffee, obviously, @zoe'));
    const mention = card('mention', 'Bob mentioned you');
    await mention.waitFor();
    await mention.locator('article.tweet', { hasText: 'Coffee, obviously' }).waitFor();

    // Newest first: the mention, the follow, the retweet, the like.
    expect(
      await list
        .locator(':scope > li > article')
        .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-type'))),
    ).toEqual(['mention', 'follow', 'reblog', 'favourite']);

    // More likes of the same post join its group, which moves to the top.
    const cy = await site.signUp('cy', 'Cy');
    const dee = await site.signUp('dee', 'Dee');
    await act(site.api('POST', `/api/v1/statuses/${post.id}/favourite`, cy.token));
    await card('favourite', 'Cy and Bob liked your post').waitFor();
    await act(site.api('POST', `/api/v1/statuses/${post.id}/favourite`, dee.token));
    const likes = card('favourite', 'Dee and 2 others liked your post');
    await likes.waitFor();
    expect(await likes.getAttribute('data-count')).toBe('3');
    expect(await likes.locator('.faces .avatar-link').count()).toBe(3);
    expect(await list.locator(':scope > li > article').first().getAttribute('data-type')).toBe('favourite');
    expect(await list.locator('article[data-type="favourite"]').count()).toBe(1);
    expect(await notReloaded(page), 'all of it arrived without a reload').toBe(true);

    // A reload shows the same, from the server.
    await page.reload();
    await card('favourite', 'Dee and 2 others liked your post').waitFor();
    expect(
      await list
        .locator(':scope > li > article')
        .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-type'))),
    ).toEqual(['favourite', 'mention', 'follow', 'reblog']);
    // All of it was read while the page was open: none is marked unread now.
    expect(await list.locator('article.unread').count()).toBe(0);
    await site.shot(page, 'notifications');
  });

  it('counts unread notifications on the badge and in the title, and clears both once they are seen', async () => {
    const uma = await site.signUp('uma', 'Uma');
    const vic = await site.signUp('vic', 'Vic');
    const post = await site.postAs(uma, 'Counting on you');
    const page = await site.pageFor(uma);
    await page.goto(`${site.base}/`);
    await page.locator('.items article', { hasText: 'Counting on you' }).waitFor();
    await markPage(page);
    expect(await page.title()).toBe('Home · Starling');
    expect(await badge(page).isHidden()).toBe(true);

    await act(site.api('POST', `/api/v1/statuses/${post.id}/favourite`, vic.token));
    await titleIs(page, '(1) Home · Starling');
    expect(await badge(page).textContent()).toBe('1');
    await act(site.follow(vic, uma));
    await titleIs(page, '(2) Home · Starling');
    expect(await badge(page).textContent()).toBe('2');
    // A screen reader hears the count in the link's name, not a bare number.
    await page.getByRole('link', { name: 'Notifications (2 unread)' }).waitFor();
    expect(await notReloaded(page)).toBe(true);

    // Seeing them reads them, here and on the server.
    await page.getByRole('link', { name: /^Notifications/ }).click();
    await page.locator('article[data-type="follow"]', { hasText: 'Vic followed you' }).waitFor();
    await titleIs(page, 'Notifications · Starling');
    expect(await badge(page).isHidden()).toBe(true);
    const [newest] = await site.api('GET', '/api/v1/notifications?limit=1', uma.token);
    await expect.poll(() => marker(uma), { timeout: 15_000 }).toBe(newest.id);
    expect((await site.api('GET', '/api/v1/notifications/unread_count', uma.token)).count).toBe(0);

    // What arrives while the page is open is read as it comes: no badge, and the marker follows.
    await act(site.postAs(vic, 'Thanks @uma'));
    await page.locator('article[data-type="mention"]', { hasText: 'Thanks @uma' }).waitFor();
    const [mention] = await site.api('GET', '/api/v1/notifications?limit=1', uma.token);
    await expect.poll(() => marker(uma), { timeout: 15_000 }).toBe(mention.id);
    expect(await badge(page).isHidden()).toBe(true);
    expect(await page.title()).toBe('Notifications · Starling');

    // Elsewhere it counts again; a new page (another device, say) starts from the server's count.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await act(site.api('POST', `/api/v1/statuses/${post.id}/reblog`, vic.token));
    await titleIs(page, '(1) Home · Starling');
    const other = await site.pageFor(uma);
    await other.goto(`${site.base}/search`);
    await titleIs(other, '(1) Search · Starling');
    expect(await badge(other).textContent()).toBe('1');
  });
});
