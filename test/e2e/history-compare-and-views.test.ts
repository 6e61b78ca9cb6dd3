/**
 * History and the runs views on the seeded demo (issue 11), in Chromium, as a person looks:
 * - History: two radio columns pick a base and a head (by mouse or keyboard); the picks stay in
 *   the URL through a reload; "Compare" opens the older commit as base; it all fits at 390 px;
 * - the runs table: a resized column keeps its width after a reload and in the link (`w=`),
 *   the grip moves with the arrow keys too, and "Reset widths" brings the defaults back;
 * - parallel coordinates at 390 px with many axes: the plot scrolls sideways and keeps each
 *   axis's room for its label instead of squeezing them into each other.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium, newWatchedContext } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SHOTS = process.env.CAIRN_SHOTS; // a folder: also save screenshots there, to look at
/** The narrowest room per axis the plot keeps (parallel-coords.ts MIN_AXIS_GAP). */
const AXIS_ROOM = 84;

describe.skipIf(!e2eAvailable())('History compare picking and runs views (demo, Chromium)', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;

  async function freshPage(width: number, colorScheme: 'light' | 'dark'): Promise<Page> {
    const context = await newWatchedContext(chrome.browser, { viewport: { width, height: 900 }, colorScheme });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    return page;
  }
  async function shot(page: Page, name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
  }
  const oidsOf = (page: Page) =>
    page.getByTestId('commit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-oid') ?? ''));

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_DEMO: '1' });
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('picks a base and a head in History, keeps them through a reload, and compares older...newer', async () => {
    for (const [width, scheme] of [
      [1400, 'light'],
      [390, 'dark'],
    ] as const) {
      const page = await freshPage(width, scheme);
      await page.goto(`${server.url}/demo/segmentation/commits/main`);
      await page.getByTestId('commit-row').nth(3).waitFor({ timeout: 60_000 });
      const oids = await oidsOf(page);
      const rows = page.getByTestId('commit-row');
      expect(await page.getByTestId('compare-hint').textContent()).toContain('Pick a base and a head');
      expect(await page.getByRole('button', { name: 'Compare' }).isDisabled()).toBe(true);

      // The head by keyboard (Tab to the radio, Space picks it), the base by pointer; the base
      // picked is the newer one: the comparison still runs from the older commit.
      await rows.nth(3).getByTestId('pick-head').focus();
      await page.keyboard.press('Space');
      await expect.poll(() => new URL(page.url()).searchParams.get('head')).toBe(oids[3]);
      await rows.nth(0).getByTestId('pick-base').click();
      await expect.poll(() => new URL(page.url()).searchParams.get('base')).toBe(oids[0]);

      // A reload keeps both picks.
      await page.reload();
      await rows.nth(3).waitFor({ timeout: 60_000 });
      expect(await rows.nth(3).getByTestId('pick-head').isChecked()).toBe(true);
      expect(await rows.nth(0).getByTestId('pick-base').isChecked()).toBe(true);
      const compare = page.getByTestId('compare-picked');
      expect(await compare.getAttribute('href')).toBe(`/demo/segmentation/compare/${oids[3]}...${oids[0]}`);

      // Everything a person needs is on screen at this width: the radios, the summary, the button.
      for (const el of [rows.nth(0).getByTestId('pick-base'), rows.nth(0).locator('.commit-summary'), compare]) {
        const box = await el.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= width && box.width > 0).toBe(true);
      }
      await shot(page, `history-pick-${width}-${scheme}`);

      await compare.click();
      await page.waitForURL(`**/demo/segmentation/compare/${oids[3]}...${oids[0]}`);
      await expect
        .poll(() => page.getByTestId('compare-summary').textContent(), { timeout: 60_000 })
        .toMatch(/^\d+ changed files?$/);
      await page.context().close();
    }
  });

  it('keeps a resized runs-table column in the URL through a reload, and resets widths', async () => {
    const page = await freshPage(1400, 'light');
    await page.goto(`${server.url}/demo/segmentation/experiments`);
    await expect
      .poll(() => page.getByTestId('runs-status').textContent(), { timeout: 60_000 })
      .toMatch(/^(\d+) of \1 runs · [1-9]\d* git experiments · synced/);
    const head = page.locator('.exp-head [data-col="metric:val_iou"]');
    const widthOf = async () => Math.round((await head.boundingBox())?.width ?? 0);
    const before = await widthOf();
    expect(await page.getByTestId('reset-widths').count()).toBe(0);

    // Drag the header's right edge 80 px to the right.
    const grip = head.getByTestId('column-resize');
    const g = await grip.boundingBox();
    if (!g) throw new Error('no resize grip');
    await page.mouse.move(g.x + g.width / 2, g.y + g.height / 2);
    await page.mouse.down();
    await page.mouse.move(g.x + g.width / 2 + 40, g.y + g.height / 2, { steps: 4 });
    await page.mouse.move(g.x + g.width / 2 + 80, g.y + g.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(widthOf).toBe(before + 80);
    await expect.poll(() => new URL(page.url()).searchParams.get('w')).toBe(`metric:val_iou:${before + 80}`);
    // The cells below follow their header.
    const cell = page.getByTestId('run-row').first().locator('[data-col="metric:val_iou"]');
    expect(Math.round((await cell.boundingBox())?.width ?? 0)).toBe(before + 80);

    // The arrow keys on the focused grip move the edge too.
    await grip.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(widthOf).toBe(before + 96);
    // The URL follows a moment later (its write waits for a frame): the link is taken once it has.
    await expect.poll(() => new URL(page.url()).searchParams.get('w')).toBe(`metric:val_iou:${before + 96}`);

    // A reload (or the link, shared) opens with the same width; the other columns keep theirs.
    const link = page.url();
    const other = page.locator('.exp-head [data-col="attr:name"]');
    const otherWidth = Math.round((await other.boundingBox())?.width ?? 0);
    const second = await freshPage(1400, 'light');
    await second.goto(link);
    await expect
      .poll(() => second.getByTestId('runs-status').textContent(), { timeout: 60_000 })
      .toMatch(/^(\d+) of \1 runs · [1-9]\d* git experiments · synced/);
    const head2 = second.locator('.exp-head [data-col="metric:val_iou"]');
    expect(Math.round((await head2.boundingBox())?.width ?? 0)).toBe(before + 96);
    expect(Math.round((await second.locator('.exp-head [data-col="attr:name"]').boundingBox())?.width ?? 0)).toBe(
      otherWidth,
    );
    await second.context().close();

    await page.reload();
    await expect
      .poll(() => page.getByTestId('runs-status').textContent(), { timeout: 60_000 })
      .toMatch(/^(\d+) of \1 runs · [1-9]\d* git experiments · synced/);
    expect(await widthOf()).toBe(before + 96);
    await shot(page, 'runs-widths-1400-light');
    await page.getByTestId('reset-widths').click();
    await expect.poll(widthOf).toBe(before);
    await expect.poll(() => new URL(page.url()).searchParams.has('w')).toBe(false);
    await page.context().close();
  });

  it('gives every parallel-coordinates axis room for its label at 390 px, scrolling sideways', async () => {
    const page = await freshPage(390, 'dark');
    await page.goto(`${server.url}/demo/segmentation/experiments`);
    await expect
      .poll(() => page.getByTestId('runs-status').textContent(), { timeout: 60_000 })
      .toMatch(/^(\d+) of \1 runs · [1-9]\d* git experiments · synced/);
    await page.getByLabel('Select all shown runs').check();
    await page.getByTestId('compare-button').click();
    const canvas = page.getByTestId('parallel-coordinates');
    await canvas.waitFor({ timeout: 60_000 });
    await page.getByLabel(/Show constant axes/).check();
    await expect
      .poll(async () => Number(await canvas.getAttribute('data-axes')), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(10);
    const axes = Number(await canvas.getAttribute('data-axes'));
    const box = page.getByTestId('parallel-coordinates-box');
    const sizes = await box.evaluate((el) => ({
      client: el.clientWidth,
      scroll: el.scrollWidth,
      canvas: (el.querySelector('canvas') as HTMLCanvasElement).getBoundingClientRect().width,
      page: document.documentElement.scrollWidth,
    }));
    // The plot is wider than the phone and scrolls inside its box; the page itself does not.
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    expect(sizes.page).toBeLessThanOrEqual(390);
    expect(await page.getByTestId('pc-scroll-note').textContent()).toBe(
      `${axes} axes: scroll the plot sideways to see them all.`,
    );
    // Axes stand at least a label's room apart.
    expect(sizes.canvas).toBeGreaterThanOrEqual((axes - 1) * AXIS_ROOM);
    await canvas.scrollIntoViewIfNeeded();
    await shot(page, 'pc-390-dark');
    await page.context().close();
  });
});
