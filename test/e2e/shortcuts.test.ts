import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { needsChromium } from './browser.js';
import { useSite } from './site.js';

/** The text of the post in focus, or null when the focus is not on a post. */
const focusedPost = (page: Page) =>
  page.evaluate(
    "document.activeElement?.closest('article.tweet')?.querySelector('.text')?.textContent ?? null",
  );

describe('keyboard shortcuts in Chromium', needsChromium(), () => {
  const site = useSite();

  it('move between posts with j and k, open one with o, write with n, search with /, and list themselves on ?', async () => {
    const reader = await site.signUp('keyreader');
    const writer = await site.signUp('keywriter');
    await site.follow(reader, writer);
    for (const text of ['first by keys', 'second by keys', 'third by keys']) await site.postAs(writer, text);
    await site.app.workers.drain();

    const page = await site.pageFor(reader);
    await page.goto(`${site.base}/`);
    await page.locator('.items article', { hasText: 'first by keys' }).waitFor();

    await page.keyboard.press('j');
    expect(await focusedPost(page)).toBe('third by keys');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await focusedPost(page), 'j stops at the last post').toBe('first by keys');
    await page.keyboard.press('k');
    expect(await focusedPost(page)).toBe('second by keys');

    await page.keyboard.press('o');
    await page.locator('article.detailed', { hasText: 'second by keys' }).waitFor();
    await page.goBack();
    await page.locator('.items article', { hasText: 'first by keys' }).waitFor();

    // n goes to the composer, and what is typed there is text, not shortcuts.
    await page.keyboard.press('n');
    const composer = page.locator('form.composer textarea');
    await expect
      .poll(() => page.evaluate("document.activeElement?.matches('form.composer textarea') ?? false"))
      .toBe(true);
    await page.keyboard.type('jk?/');
    expect(await composer.inputValue()).toBe('jk?/');
    expect(page.url()).toBe(`${site.base}/`);
    await expect.poll(() => page.locator('dialog.shortcuts').count()).toBe(0);

    await page.evaluate('document.activeElement.blur()');
    await page.keyboard.press('?');
    const help = page.locator('dialog.shortcuts');
    await help.waitFor();
    expect(await help.locator('h2').textContent()).toBe('Keyboard shortcuts');
    expect(await help.locator('dt').allTextContents()).toContain('j');
    await page.keyboard.press('j');
    expect(await focusedPost(page), 'shortcuts wait while the list is open').toBeNull();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    await page.keyboard.press('/');
    await page.waitForURL(`${site.base}/search`);
    // With Ctrl held the key is the browser's.
    await page.keyboard.press('Control+j');
    expect(page.url()).toBe(`${site.base}/search`);
  });
});
