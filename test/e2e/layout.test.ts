import { describe, expect, it } from 'vitest';
import { needsChromium } from './browser.js';
import { useSite } from './site.js';

describe('the layout in Chromium', needsChromium(), () => {
  const site = useSite();

  it('never cuts the navigation off, from a phone to a wide window', async () => {
    const reader = await site.signUp('widths');
    const page = await site.pageFor(reader);
    const cut: number[] = [];
    for (const width of [320, 390, 560, 600, 640, 700, 721, 760, 900, 1100, 1400]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${site.base}/`);
      await page.locator('#nav .nav-sign-out').waitFor();
      const [scroll, client] = (await page.evaluate(
        "[document.getElementById('nav').scrollWidth, document.getElementById('nav').clientWidth]",
      )) as [number, number];
      if (scroll > client) cut.push(width);
      // Sign out and Post are on the screen at every width.
      for (const selector of ['#nav .nav-sign-out', '#nav .compose-link']) {
        const box = await page.locator(selector).boundingBox();
        expect(box, `${selector} at ${width} px`).not.toBeNull();
        expect((box?.x ?? -1) + (box?.width ?? 0), `${selector} at ${width} px`).toBeLessThanOrEqual(width);
        expect(box?.x ?? -1, `${selector} at ${width} px`).toBeGreaterThanOrEqual(0);
      }
    }
    expect(cut, 'widths at which the navigation scrolls sideways').toEqual([]);
  });
});
