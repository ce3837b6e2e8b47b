import { describe, expect, it } from 'vitest';
import { accessibilityProblems } from './accessibility.js';
import { chromiumPath } from './browser.js';
import { type Site, useSite } from './site.js';

const executablePath = chromiumPath();

/** Every page of the web client, checked by axe-core: no serious or critical violation, light and dark, desktop and phone. */
describe.skipIf(!executablePath)('accessibility of every page in Chromium (axe-core)', () => {
  const site = useSite();

  it('has no serious or critical violations on any page', async () => {
    const olga = await site.signUp('olga', 'Olga');
    const pete = await site.signUp('pete', 'Pete');
    await site.follow(olga, pete);
    await site.follow(pete, olga);
    const post = await site.postAs(pete, 'Hello @olga, a post with a #tag and https://example.com/a');
    await site.postAs(olga, '@pete a reply', post.id);
    await site.api('POST', `/api/v1/statuses/${post.id}/favourite`, olga.token);
    await site.app.workers.drain();

    const signedOut = ['/', '/login', '/signup', '/search?q=%23tag', `/tweets/${post.id}`, '/no/such/page'];
    const signedIn = [
      '/',
      '/notifications',
      '/search?q=%23tag',
      '/tags/tag',
      '/@pete',
      '/@pete/followers',
      '/@olga',
      `/tweets/${post.id}`,
      '/compose',
      '/status',
    ];
    const problems: Record<string, string[]> = {};
    const check = async (label: string, page: Awaited<ReturnType<Site['pageFor']>>, path: string) => {
      await page.goto(`${site.base}${path}`);
      await page.locator('main h1').first().waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      const found = await accessibilityProblems(page);
      if (found.length > 0) problems[`${label} ${path}`] = found;
    };
    for (const scheme of ['light', 'dark'] as const) {
      const visitor = await site.pageFor(undefined, { colorScheme: scheme });
      for (const path of signedOut) await check(`${scheme}, signed out`, visitor, path);
      const reader = await site.pageFor(olga, { colorScheme: scheme });
      for (const path of signedIn) await check(`${scheme}, signed in`, reader, path);
    }
    const phone = await site.pageFor(olga, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    for (const path of ['/', `/tweets/${post.id}`, '/@pete']) await check('phone', phone, path);
    expect(problems).toEqual({});
  }, 180_000);

  it('moves nothing for a reader who asks for reduced motion', async () => {
    const [quinn, rita] = [await site.signUp('quinn'), await site.signUp('rita')];
    await site.follow(quinn, rita);
    for (let i = 0; i < 20; i++) await site.postAs(rita, `filler ${i}`);
    await site.app.workers.drain();
    const page = await site.pageFor(quinn, { reducedMotion: 'reduce' });
    await page.goto(`${site.base}/`);
    await page.locator('.live-state[data-live="live"]').waitFor();
    // The new-posts button takes the reader to the top at once, not in a smooth scroll.
    await page.evaluate('window.scrollTo(0, 1500)');
    await site.postAs(rita, 'one more');
    await page.getByRole('button', { name: '1 new post' }).click();
    expect(await page.evaluate('window.scrollY')).toBe(0);
    const moving = await page.evaluate(`[...document.querySelectorAll('*')].filter((element) => {
      const style = getComputedStyle(element);
      const seconds = (value) => Math.max(...value.split(',').map((part) => parseFloat(part) * (part.trim().endsWith('ms') ? 0.001 : 1)));
      return seconds(style.transitionDuration) > 0.001 || seconds(style.animationDuration) > 0.001 || style.scrollBehavior === 'smooth';
    }).map((element) => element.className || element.tagName)`);
    expect(moving).toEqual([]);
  });
});
