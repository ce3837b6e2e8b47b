import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { needsChromium } from './browser.js';
import { PASSWORD, useSite } from './site.js';

describe('the web client in Chromium', needsChromium(), () => {
  const site = useSite();

  it("signs up and in through the forms; B sees A's new post live, then sees it go when deleted", async () => {
    await site.signUp('bob');
    const pageA = await site.pageFor();
    await pageA.goto(`${site.base}/signup`);
    await pageA.getByLabel('Handle').fill('alice');
    await pageA.getByLabel('Display name').fill('Alice Liddell');
    await pageA.getByLabel('Password').fill(PASSWORD);
    await pageA.getByRole('button', { name: 'Sign up' }).click();
    await pageA.getByRole('heading', { name: 'Home' }).waitFor();

    const pageB = await site.pageFor();
    await pageB.goto(`${site.base}/login`);
    await pageB.getByLabel('Handle').fill('bob');
    await pageB.getByLabel('Password').fill(PASSWORD);
    await pageB.getByRole('button', { name: 'Sign in' }).click();
    await pageB.getByRole('heading', { name: 'Home' }).waitFor();

    // B follows A from A's account page, then goes home through the navigation (no reload from here on).
    await pageB.goto(`${site.base}/@alice`);
    await pageB.getByRole('button', { name: 'Follow' }).click();
    await pageB.getByRole('button', { name: 'Unfollow' }).waitFor();
    await pageB.getByRole('link', { name: 'Home' }).click();
    await pageB.locator('.live-state[data-live="live"]').waitFor();
    await pageB.evaluate('window.__sameDocument = true');

    await pageA.getByLabel('What is happening?').fill('Live from the rabbit hole #wonderland');
    await pageA.getByRole('button', { name: 'Post' }).click();
    await pageA.locator('.items article', { hasText: 'Live from the rabbit hole' }).waitFor();

    await pageB.getByRole('button', { name: '1 new post' }).click();
    const arrived = pageB.locator('.items article', { hasText: 'Live from the rabbit hole' });
    await arrived.waitFor();
    expect(await arrived.locator('.name').textContent()).toBe('Alice Liddell');
    expect(await arrived.locator('a.hashtag').getAttribute('href')).toBe('/tags/wonderland');
    expect(await pageB.evaluate('window.__sameDocument')).toBe(true);

    const mine = pageA.locator('.items article', { hasText: 'Live from the rabbit hole' });
    await mine.getByRole('button', { name: 'Delete', exact: true }).click();
    await mine.getByRole('button', { name: 'Delete for good' }).click();
    await arrived.waitFor({ state: 'detached' });
    expect(await pageB.evaluate('window.__sameDocument')).toBe(true);
  });

  it('loads older pages on scrolling, each post once, even while new ones arrive', async () => {
    const carol = await site.signUp('carol');
    const dave = await site.signUp('dave');
    await site.follow(dave, carol);
    const ids: string[] = [];
    for (let i = 1; i <= 55; i++) ids.push((await site.postAs(carol, `post number ${i}`)).id);
    await site.app.workers.drain();

    const page = await site.pageFor(dave);
    await page.goto(`${site.base}/`);
    const items = page.locator('.items > li');
    await page.locator('.items > li').nth(19).waitFor();
    // A post arriving now must not shift the pages that follow.
    await site.postAs(carol, 'brand new while scrolling');
    for (let shown = await items.count(); shown < ids.length; shown = await items.count()) {
      await page.locator('.sentinel').scrollIntoViewIfNeeded();
      await items.nth(shown).waitFor();
    }
    await page.locator('.sentinel').scrollIntoViewIfNeeded();
    await page.locator('.list-status .loading').waitFor({ state: 'detached' });
    const keys = () => items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-key')));
    expect(await keys()).toEqual([...ids].reverse());

    // The post that arrived meanwhile waits behind the banner, and goes on top, once.
    await page.getByRole('button', { name: '1 new post' }).click();
    await items.first().filter({ hasText: 'brand new while scrolling' }).waitFor();
    const all = await keys();
    expect(all).toHaveLength(ids.length + 1);
    expect(new Set(all).size).toBe(all.length);
  });

  it('shows hostile text as text: no markup, no script, no dialog, only http(s) links', async () => {
    const mallory = await site.signUp('mallory', '<img src=x onerror=alert(1)>');
    await site.api('PATCH', '/api/v1/accounts/update_credentials', mallory.token, {
      note: '<img src=x onerror=alert(1)> <script>alert(2)</script>',
      fields_attributes: [{ name: '<b onmouseover=alert(3)>x</b>', value: 'javascript:alert(4)' }],
    });
    const victim = await site.signUp('victim');
    await site.follow(victim, mallory);
    const payloads = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      'click javascript:alert(1) now',
      '"onmouseover=alert(1) x="',
      '<a href="javascript:alert(1)">link</a> and https://example.com/a?b=<i>c</i> @victim #safe',
    ];
    for (const text of payloads) await site.postAs(mallory, text);
    await site.app.workers.drain();

    const page = await site.pageFor(victim);
    await page.goto(`${site.base}/`);
    const texts = page.locator('.items article .text');
    await texts.nth(payloads.length - 1).waitFor();
    expect(await texts.allTextContents()).toEqual([...payloads].reverse());
    expect(await page.locator('.items script, .items iframe').count()).toBe(0);
    // The only images are the server's own: the default avatars.
    const sources = await page
      .locator('.items img')
      .evaluateAll((images) => images.map((i) => i.getAttribute('src')));
    for (const src of sources) expect(src).toBe('/avatars/original/missing.png');
    expect(await page.locator('.items [onerror], .items [onmouseover]').count()).toBe(0);
    for (const name of await page.locator('.items .byline .name').allTextContents()) {
      expect(name).toBe('<img src=x onerror=alert(1)>');
    }
    await page.locator('.items .text', { hasText: 'onmouseover' }).hover();

    const hrefs = await page
      .locator('.items .text a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toContain('https://example.com/a?b=');
    expect(hrefs).toContain('/@victim');
    expect(hrefs).toContain('/tags/safe');
    for (const href of hrefs) expect(href).toMatch(/^(https?:\/\/|\/)/);

    // The same text on the account and tweet pages.
    await page.goto(`${site.base}/@mallory`);
    await page.locator('.profile h1', { hasText: '<img src=x onerror=alert(1)>' }).waitFor();
    expect(await page.locator('.profile .note').textContent()).toBe(
      '<img src=x onerror=alert(1)> <script>alert(2)</script>',
    );
    expect(await page.locator('.profile .fields').textContent()).toBe(
      '<b onmouseover=alert(3)>x</b>javascript:alert(4)',
    );
    expect(await page.locator('.profile a[href^="javascript"], .profile [onmouseover]').count()).toBe(0);
    await page.locator('.items article .text').first().click();
    await page.locator('article.detailed .text').waitFor();
    expect(await page.locator('article.detailed .text').textContent()).toBe(payloads.at(-1));
    expect(await page.locator('main script').count()).toBe(0);
    for (const src of await page
      .locator('main img')
      .evaluateAll((images) => images.map((i) => i.getAttribute('src')))) {
      expect(src).toMatch(/^\/(avatars|headers)\/original\/missing\.png$/);
    }

    const response = await fetch(`${site.base}/`, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });

  it('counts like twitter-text (NFC first, 280 weighted), and the server agrees at the limit', async () => {
    const erin = await site.signUp('erin');
    const page = await site.pageFor(erin);
    await page.goto(`${site.base}/compose`);
    const box = page.getByLabel('What is happening?');
    await box.fill('Drafting a post: the counter shows what is left of the 280, as the server counts it.');
    await site.shot(page, 'compose');
    const counter = page.locator('.counter');
    const post = page.getByRole('button', { name: 'Post' });
    const decomposed = 'e\u0301'.repeat(280);
    const samples = [
      'hello',
      'Emoji 🎉👩‍👩‍👧‍👦 and CJK 日本語のテキスト',
      'a link https://example.com/a/very/long/path/that/counts/as/twenty-three and more',
      decomposed,
      `${'x'.repeat(270)} 日本語日本語`,
      'y'.repeat(281),
    ];
    for (const text of samples) {
      await box.fill(text);
      const expected = twitterText.parseTweet(text.normalize('NFC'));
      await page.locator(`.counter[data-weighted-length="${expected.weightedLength}"]`).waitFor();
      expect(await counter.textContent()).toBe(String(280 - expected.weightedLength));
      expect(await post.isDisabled(), text).toBe(!expected.valid);
    }
    await box.fill(decomposed);
    await page.locator('.counter[data-weighted-length="280"]').waitFor();
    await post.click();
    await page.locator('article.detailed').waitFor();
    expect(await page.locator('article.detailed .text').textContent()).toBe(decomposed.normalize('NFC'));
  });

  it('replies from the tweet page, and says clearly when a call fails', async () => {
    const frank = await site.signUp('frank', 'Frank');
    const grace = await site.signUp('grace', 'Grace Hopper');
    const original = await site.postAs(
      grace,
      'Ships in harbour are safe, but that is not what ships are built for.',
    );
    const page = await site.pageFor(frank);
    await page.goto(`${site.base}/tweets/${original.id}`);
    await page.locator('article.detailed', { hasText: 'Ships in harbour' }).waitFor();
    await page.getByLabel('Your reply').fill('@grace And a nanosecond is a foot of wire.');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    const reply = page.locator('.items article', { hasText: 'foot of wire' });
    await reply.waitFor();
    expect(await reply.locator('.context a').getAttribute('href')).toBe(`/tweets/${original.id}`);
    await site.shot(page, 'tweet');

    // A failing call (whatever the reason) leaves the state as it was and says what went wrong.
    await page.route('**/api/v1/statuses/*/favourite', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'try again later', code: 'unavailable' }),
      }),
    );
    const card = page.locator('article.detailed');
    await card.getByRole('button', { name: 'Like', exact: true }).click();
    await card.getByRole('alert').filter({ hasText: 'Could not like: try again later.' }).waitFor();
    expect(await card.getByRole('button', { name: 'Like', exact: true }).getAttribute('aria-pressed')).toBe(
      'false',
    );
  });

  it('shows account pages with followers and following lists', async () => {
    const heidi = await site.signUp('heidi', 'Heidi');
    const ivan = await site.signUp('ivan', 'Ivan');
    await site.follow(ivan, heidi);
    await site.postAs(heidi, 'Hello from my account page #intro');
    const page = await site.pageFor(ivan);
    await page.goto(`${site.base}/@heidi`);
    await page.getByRole('button', { name: 'Unfollow' }).waitFor();
    await page.locator('.items article', { hasText: 'Hello from my account page' }).waitFor();
    await site.shot(page, 'account');
    await page.getByRole('link', { name: 'Followers', exact: true }).click();
    await page.locator('.account-row', { hasText: '@ivan' }).waitFor();
    await page.getByRole('button', { name: 'Unfollow' }).click();
    await page.getByRole('button', { name: 'Follow' }).waitFor();
    expect(await site.api('GET', `/api/v1/accounts/${heidi.id}/followers`)).toEqual([]);
  });

  it('takes screenshots of home (desktop and phone) and the live status page', async () => {
    const judy = await site.signUp('judy', 'Judy');
    const kim = await site.signUp('kim', 'Kim');
    await site.follow(judy, kim);
    await site.postAs(kim, 'Morning! Coffee first, then the #release notes: https://example.com/notes');
    await site.postAs(judy, 'Hello @kim — the status page now draws its charts live.');
    await site.app.workers.drain();

    const desktop = await site.pageFor(judy);
    await desktop.goto(`${site.base}/`);
    await desktop.locator('.items article').nth(1).waitFor();
    await desktop.locator('.live-state[data-live="live"]').waitFor();
    await site.shot(desktop, 'home');

    const phone = await site.pageFor(judy, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await phone.goto(`${site.base}/`);
    await phone.locator('.items article').nth(1).waitFor();
    const width = await phone.evaluate('document.documentElement.scrollWidth');
    expect(width, 'nothing wider than a phone screen').toBeLessThanOrEqual(390);
    await site.shot(phone, 'home-phone');

    const status = await site.pageFor();
    await status.goto(`${site.base}/status`);
    // Rates and latencies need scrapes with traffic between them: read and post until the charts have a few points.
    const row = (figure: string) => status.locator(`tr[data-figure="${figure}"]`);
    const charted = Promise.all([
      row('HTTP requests').and(status.locator('[data-points="6"]')).waitFor({ timeout: 30_000 }),
      row('Timeline read p99 (hit)').and(status.locator('[data-points="3"]')).waitFor({ timeout: 30_000 }),
      row('Tweet write p99').and(status.locator('[data-points="3"]')).waitFor({ timeout: 30_000 }),
    ]);
    let done = false;
    const stop = () => {
      done = true;
    };
    charted.then(stop, stop);
    for (let i = 0; !done && i < 5_000; i++) {
      if (i % 25 === 0) await site.postAs(kim, `status traffic ${i}`);
      else await site.api('GET', '/api/v1/timelines/home', judy.token);
    }
    await charted;
    expect(await row('HTTP requests').locator('polyline').count()).toBeGreaterThan(0);
    expect(await row('Timeline read p99 (hit)').locator('.now').textContent()).toMatch(/^[0-9.]+ ms$/);
    await site.shot(status, 'status');
  });
});
