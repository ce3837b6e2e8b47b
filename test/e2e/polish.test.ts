import { describe, expect, it } from 'vitest';
import { needsChromium } from './browser.js';
import { useSite } from './site.js';

describe('the finish of the web client in Chromium', needsChromium(), () => {
  const site = useSite();

  it('names each page in the tab', async () => {
    const lena = await site.signUp('lena', 'Lena');
    const post = await site.postAs(lena, 'A title is the first thing a tab shows #tabs');
    const page = await site.pageFor(lena);
    await page.goto(`${site.base}/`);
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    expect(await page.title()).toBe('Home · Starling');
    for (const [path, title] of [
      ['/@lena', 'Lena (@lena) · Starling'],
      ['/@lena/followers', 'Followers of Lena (@lena) · Starling'],
      ['/tags/tabs', '#tabs · Starling'],
      ['/search', 'Search · Starling'],
      [`/tweets/${post.id}`, 'Lena: “A title is the first thing a tab shows #tabs” · Starling'],
      ['/nowhere/at/all', 'Page not found · Starling'],
    ]) {
      await page.goto(`${site.base}${path}`);
      await expect.poll(() => page.title(), { message: path }).toBe(title);
    }
  });

  it('has a favicon, app icons and a manifest to install it by', async () => {
    const page = await site.pageFor();
    await page.goto(`${site.base}/login`);
    const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(icon).toBeTruthy();
    expect(manifestHref).toBe('/manifest.webmanifest');
    const response = await fetch(`${site.base}${manifestHref}`);
    expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await response.json()) as {
      icons: { src: string; sizes: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Starling', start_url: '/', display: 'standalone' });
    const sizes = manifest.icons.map((i) => i.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const { src, sizes: size } of manifest.icons) {
      const image = await fetch(`${site.base}${src}`);
      expect(image.status, src).toBe(200);
      expect(image.headers.get('content-type')).toMatch(/^image\//);
      const bytes = Buffer.from(await image.arrayBuffer());
      if (image.headers.get('content-type') === 'image/png') {
        const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
        expect(`${width}x${height}`, src).toBe(size);
      }
    }
    expect((await fetch(`${site.base}${icon}`)).status).toBe(200);
  });

  it('opens the API documentation with no Content-Security-Policy error', async () => {
    const page = await site.pageFor();
    await page.goto(`${site.base}/api/v1/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
  });

  it('greets a signed-out visitor with what Starling is and the latest public posts', async () => {
    const poster = await site.signUp('poster', 'Poster');
    await site.postAs(poster, 'Public and visible to visitors #hello');
    const page = await site.pageFor();
    await page.goto(`${site.base}/`);
    await page.getByRole('heading', { name: 'Starling', level: 1 }).waitFor();
    expect(await page.locator('.landing .lead').textContent()).toMatch(
      /Short posts from the people you follow/,
    );
    await page.locator('.items article', { hasText: 'Public and visible to visitors' }).waitFor();
    expect(page.url()).toBe(`${site.base}/`);
    expect(await page.title()).toBe('Welcome · Starling');
    await site.shot(page, 'landing');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  });

  it('offers whom to follow on an empty Home, and following one fills it', async () => {
    const popular = await site.signUp('popular', 'Popular Person');
    for (const fan of ['fan1', 'fan2', 'fan3']) await site.follow(await site.signUp(fan), popular);
    await site.postAs(popular, 'Hello, new people');
    await site.app.workers.drain();
    const newcomer = await site.signUp('newcomer');
    const page = await site.pageFor(newcomer);
    await page.goto(`${site.base}/`);
    const panel = page.getByRole('region', { name: 'Who to follow' });
    await panel.waitFor();
    const first = panel.locator('.suggestion').first();
    expect(await first.locator('.handle').textContent()).toBe('@popular');
    expect(await first.locator('.why').textContent()).toBe('Popular on Starling');
    await site.shot(page, 'who-to-follow');
    await panel.getByRole('button', { name: 'Follow @popular' }).click();
    await panel.getByRole('button', { name: 'Unfollow @popular' }).waitFor();
    await page.locator('.items article', { hasText: 'Hello, new people' }).waitFor();
    const relationship = await site.api(
      'GET',
      `/api/v1/accounts/relationships?id[]=${popular.id}`,
      newcomer.token,
    );
    expect(relationship[0].following).toBe(true);
  });

  it('fits a phone (390×844): one-row header, a tab bar at the bottom, Post one tap away, 44 px targets', async () => {
    const [mia, noah] = [await site.signUp('mia', 'Mia'), await site.signUp('noah', 'Noah')];
    await site.follow(mia, noah);
    await site.postAs(noah, 'Thumbs welcome #phone');
    await site.app.workers.drain();
    const phone = await site.pageFor(mia, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await phone.goto(`${site.base}/`);
    await phone.locator('.items article').first().waitFor();
    const box = async (selector: string) => {
      const found = await phone.locator(selector).first().boundingBox();
      if (!found) throw new Error(`${selector} is not on screen`);
      return found;
    };
    expect((await box('.topbar')).height, 'a header of one row').toBeLessThanOrEqual(52);
    const bar = await box('#nav');
    expect(bar.y + bar.height).toBe(844);
    expect(bar.width).toBe(390);
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // Sign out is on screen, in the header's row.
    const signOut = await box('.nav-sign-out');
    expect(signOut.y).toBeLessThan(52);

    const small: string[] = [];
    for (const control of await phone
      .locator('#nav a, #nav button, .items .actions > *, .composer button')
      .all()) {
      if (!(await control.isVisible())) continue;
      const size = await control.boundingBox();
      if (size && (size.height < 44 || size.width < 44)) {
        small.push(`${(await control.textContent())?.trim()}: ${size.width}×${size.height}`);
      }
    }
    expect(small, 'touch targets under 44 px').toEqual([]);
    await site.shot(phone, 'home-phone');

    await phone.getByRole('link', { name: 'Post', exact: true }).tap();
    await phone.getByLabel('What is happening?').waitFor();
    expect(new URL(phone.url()).pathname).toBe('/compose');
  });

  it("marks the text past the server's limit, and says what went wrong in words", async () => {
    const sam = await site.signUp('sam');
    const limit = (await site.api('GET', '/api/v2/instance')).configuration.statuses.max_characters as number;
    const page = await site.pageFor(sam);
    await page.goto(`${site.base}/compose`);
    const box = page.getByLabel('What is happening?');
    await page.locator(`.counter:text-is("${limit}")`).waitFor();
    await box.fill(`${'y'.repeat(limit - 3)} 日本語`);
    // CJK weighs 2: the first character fits, the rest is marked.
    await page
      .locator('.over-limit')
      .filter({ hasText: /^本語$/ })
      .waitFor();
    expect(await page.locator('.counter').textContent()).toBe('-4');
    expect(await page.locator('.counter').getAttribute('aria-label')).toBe(`4 over the limit of ${limit}`);
    expect(await page.getByRole('button', { name: 'Post', exact: true }).isDisabled()).toBe(true);
    await box.fill('short again');
    await page.locator('.over-limit').waitFor({ state: 'detached' });

    await page.route('**/api/v1/statuses', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'conflict', code: 'conflict' }),
      }),
    );
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not post' });
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'Could not post: something changed meanwhile; look again and retry.',
    );
    expect(await alert.textContent()).not.toMatch(/409|conflict/);
  });
});
