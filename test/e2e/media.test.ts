import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { image } from '../support/images.js';
import { needsChromium } from './browser.js';
import { useSite } from './site.js';

/** Profiles, images and edits in the web client, as two people see them in two browsers. */
describe('profiles, images and edits in Chromium', needsChromium(), () => {
  const site = useSite();

  it('changes avatar and bio, and another user sees them on the posts in their timeline', async () => {
    const alice = await site.signUp('alice', 'Alice');
    const bob = await site.signUp('bob', 'Bob');
    await site.follow(bob, alice);
    await site.postAs(alice, 'Before the new face');
    await site.app.workers.drain();

    const page = await site.pageFor(alice);
    await page.goto(`${site.base}/@alice`);
    await page.getByRole('button', { name: 'Edit profile' }).click();
    await page.getByLabel('Display name').fill('Alice Liddell');
    await page.getByLabel('Bio').fill('Curiouser and curiouser. #wonderland');
    await page.getByLabel('Avatar').setInputFiles({
      name: 'face.png',
      mimeType: 'image/png',
      buffer: await image(600, 400),
    });
    // The chosen image is previewed before it is sent.
    await page.locator('.avatar-preview img[alt="New avatar (preview)"]').waitFor();
    await site.shot(page, 'profile-edit');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.locator('.profile .note', { hasText: 'Curiouser and curiouser.' }).waitFor();
    const mine = await page.locator('.profile img.avatar').getAttribute('src');
    expect(mine).toMatch(/^\/media\/avatars\/\d+\/\d+\.png$/);

    const bobs = await site.pageFor(bob);
    await bobs.goto(`${site.base}/`);
    const card = bobs.locator('.items article', { hasText: 'Before the new face' });
    await card.waitFor();
    expect(await card.locator('.name').textContent()).toBe('Alice Liddell');
    expect(await card.locator('img.avatar').getAttribute('src')).toBe(mine);
    const served = await fetch(`${site.base}${mine}`);
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(400);
    await card.locator('.name').click();
    await bobs.locator('.profile .note a.hashtag', { hasText: '#wonderland' }).waitFor();
  });

  it('posts two images with alt text (file picker and drag and drop); a follower sees them and opens the viewer', async () => {
    const carol = await site.signUp('carol', 'Carol');
    const dave = await site.signUp('dave', 'Dave');
    await site.follow(dave, carol);
    const davePage = await site.pageFor(dave);
    await davePage.goto(`${site.base}/`);
    await davePage.locator('.live-state[data-live="live"]').waitFor();

    const page = await site.pageFor(carol);
    await page.goto(`${site.base}/compose`);
    await page.getByLabel('What is happening?').fill('Two flags');
    await page.getByLabel('Add images').setInputFiles({
      name: 'first.png',
      mimeType: 'image/png',
      buffer: await image(800, 600),
    });
    await page.locator('.attachment img').first().waitFor();
    // The second one is dropped on the composer, as from a file manager.
    const second = (await image(600, 800, 'jpeg')).toString('base64');
    // (Evaluated in the page, where DataTransfer and DragEvent exist.)
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(second)}), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'second.jpg', { type: 'image/jpeg' }));
      const drop = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
      document.querySelector('form.composer').dispatchEvent(drop);
    })()`);
    await page.locator('.attachment img').nth(1).waitFor();
    await page.getByLabel('Alt text for first.png').fill('A red and blue flag, landscape');
    await page.getByLabel('Alt text for second.jpg').fill('The same flag, portrait');
    await page.getByRole('button', { name: 'Post' }).click();
    await page.locator('article.detailed .media-grid img').nth(1).waitFor();

    await davePage.getByRole('button', { name: '1 new post' }).click();
    const card = davePage.locator('.items article', { hasText: 'Two flags' });
    await card.locator('.media-grid.count-2 img').nth(1).waitFor();
    const images = card.locator('.media-grid img');
    expect(await images.evaluateAll((all) => all.map((i) => i.getAttribute('alt')))).toEqual([
      'A red and blue flag, landscape',
      'The same flag, portrait',
    ]);
    for (const src of await images.evaluateAll((all) => all.map((i) => i.getAttribute('src')))) {
      expect(src).toMatch(/^\/media\/attachments\/\d+\/small\.webp$/);
    }
    await site.shot(davePage, 'images');

    // The viewer: opened from the keyboard, the arrow keys step, Escape closes and gives the focus back.
    await card.getByRole('button', { name: 'View image: A red and blue flag, landscape' }).focus();
    await davePage.keyboard.press('Enter');
    const viewer = davePage.getByRole('dialog', { name: 'Image viewer' });
    await viewer.locator('figcaption', { hasText: 'A red and blue flag, landscape' }).waitFor();
    expect(await viewer.locator('img').getAttribute('src')).toMatch(
      /^\/media\/attachments\/\d+\/original\.png$/,
    );
    await davePage.keyboard.press('ArrowRight');
    await viewer.locator('figcaption', { hasText: 'The same flag, portrait' }).waitFor();
    await site.shot(davePage, 'viewer');
    await davePage.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    expect(await davePage.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe(
      'View image: A red and blue flag, landscape',
    );
  });

  it('edits a post; the edit arrives live in an open timeline, marked edited, with its history', async () => {
    const erin = await site.signUp('erin', 'Erin');
    const frank = await site.signUp('frank', 'Frank');
    await site.follow(frank, erin);
    await site.postAs(erin, 'Meet at four');
    await site.app.workers.drain();

    const franks = await site.pageFor(frank);
    await franks.goto(`${site.base}/`);
    const card = franks.locator('.items article', { hasText: 'Meet at four' });
    await card.waitFor();
    await franks.locator('.live-state[data-live="live"]').waitFor();
    await franks.evaluate('window.__sameDocument = true');

    const page = await site.pageFor(erin);
    await page.goto(`${site.base}/@erin`);
    const mine = page.locator('.items article', { hasText: 'Meet at four' });
    await mine.getByRole('button', { name: 'Edit', exact: true }).click();
    const box = page.getByLabel('Edit your post');
    await box.waitFor();
    expect(await box.inputValue()).toBe('Meet at four');
    await box.fill('Meet at five, not four');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .locator('.items article', { hasText: 'Meet at five' })
      .getByRole('button', { name: 'Edited' })
      .waitFor();

    const edited = franks.locator('.items article', { hasText: 'Meet at five, not four' });
    await edited.waitFor();
    expect(await franks.evaluate('window.__sameDocument')).toBe(true);
    await edited.getByRole('button', { name: 'Edited' }).click();
    const versions = edited.locator('.history .version .text');
    await versions.nth(1).waitFor();
    expect(await versions.allTextContents()).toEqual(['Meet at four', 'Meet at five, not four']);
    await site.shot(franks, 'edited');
  });
});
