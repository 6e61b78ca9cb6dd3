import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DAGSHUB_METRICS_HEADER, formatDagshubMetricRow } from '@cairn/core/dagshub';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGrayPng } from '../../sync-server/src/demo/png.ts';
import { e2eAvailable, type LaunchedBrowser, launchChromium, newWatchedContext } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_PASSWORD = 'e2e-admin-password';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const SHOTS = process.env.CAIRN_SHOTS; // a folder: also save screenshots there, to look at
const IMAGES = '/demo/segmentation/tree/main/data/raw/images';
/** What a DagsHub-logged training writes: more metrics than the chart draws at first. */
const METRICS = ['train_loss', 'val_loss', 'val_iou', 'val_dice', 'precision', 'recall', 'learning_rate', 'epoch_time'];
const STEPS = 40;
/** A folder of images in git, more than a page should ever hold as elements. */
const PHOTOS = 3000;

/** The relative luminance contrast of two CSS `rgb(…)` colours (WCAG 2). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Images and charts (issue 11) on the seeded demo: `data/raw/images`, a DVC-tracked folder, as
 * a gallery of thumbnails that really decoded; an image's page with its pixel size, zoom and
 * previous/next by the keyboard; the DVC banner's size and file count; and a DagsHub
 * metrics.csv pushed with the real git CLI drawn as a chart with its metrics in the legend.
 */
describe.skipIf(!e2eAvailable())('image folders, the image viewer and metrics charts, in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;

  async function freshPage(width = 1400, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const context = await newWatchedContext(chrome.browser, { viewport: { width, height: 900 }, colorScheme });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    return page;
  }
  async function shot(page: Page, name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }
  /** The gallery's thumbnails that are in the page and decoded by the browser. */
  const decodedThumbnails = (page: Page) =>
    page.$$eval(
      '[data-testid="gallery-thumb"]',
      (imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length,
    );

  beforeAll(async () => {
    server = await startTestServer({
      CAIRN_DEMO: '1',
      CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-images-e2e-'));
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("a DVC-tracked image folder: its banner's size and file count, then a gallery of decoded thumbnails", async () => {
    const page = await freshPage();
    await page.goto(`${server.url}${IMAGES}`);
    const banner = page.getByTestId('data-banner');
    await banner.waitFor({ timeout: 60_000 });
    // 32 images and their 32 masks, as data/raw/images.dvc records them.
    expect(await banner.textContent()).toMatch(
      /^Data tracked with DVC by data\/raw\/images\.dvc · 64 files · [\d.]+ kB$/,
    );
    const exact = await banner.getByTestId('data-size').getAttribute('title');
    expect(exact).toMatch(/^[\d,]+ bytes$/);

    await page.getByTestId('view-gallery').click();
    await page.waitForURL(`**${IMAGES}?view=gallery`);
    await page.getByTestId('gallery').waitFor();
    // The subfolder and every image are tiles, names under them.
    const names = await page.$$eval('[data-testid="gallery-tile"]', (tiles) =>
      tiles.map((t) => t.getAttribute('data-name')),
    );
    expect(names.slice(0, 3)).toEqual(['masks', 'img_000.png', 'img_001.png']);
    expect(
      await page.locator('[data-testid="gallery-tile"][data-name="img_005.png"] .gallery-name').textContent(),
    ).toBe('img_005.png');
    // The thumbnails came from the DVC remote and decoded: the browser knows their pixels.
    await expect.poll(() => decodedThumbnails(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(16);
    await shot(page, 'gallery-1400-light');

    // The view is in the URL: a reload shows the gallery again, from this device.
    await page.reload();
    await page.getByTestId('gallery').waitFor({ timeout: 60_000 });
    await expect.poll(() => decodedThumbnails(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(16);
    await page.context().close();
  });

  it('opens an image from the gallery: its size, zoom, and the next image with →', async () => {
    const page = await freshPage();
    await page.goto(`${server.url}${IMAGES}?view=gallery`);
    await page.locator('[data-testid="gallery-tile"][data-name="img_000.png"]').click();
    await page.waitForURL('**/demo/segmentation/blob/main/data/raw/images/img_000.png');
    const image = page.getByTestId('image');
    await expect.poll(() => image.evaluate((i) => (i as HTMLImageElement).naturalWidth), { timeout: 60_000 }).toBe(64);
    expect(await page.getByTestId('image-dimensions').textContent()).toBe('64 × 64 px');
    expect(await page.getByTestId('image-info').textContent()).toMatch(/64 × 64 px · [\d.]+ (B|kB) · PNG/);
    expect(await page.getByTestId('image-position').textContent()).toBe('1 of 32');
    const first = await image.getAttribute('src');

    await page.keyboard.press('ArrowRight');
    await page.waitForURL('**/data/raw/images/img_001.png');
    await expect.poll(() => page.getByTestId('image-position').textContent(), { timeout: 30_000 }).toBe('2 of 32');
    await expect
      .poll(
        async () =>
          (await image.getAttribute('src')) !== first &&
          (await image.evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth)),
        { timeout: 60_000 },
      )
      .toBe(64);

    // Zoom in with the button and with the wheel: the image is drawn larger each time.
    const drawnWidth = () => image.evaluate((i) => i.getBoundingClientRect().width);
    const fitted = await drawnWidth();
    await page.getByTestId('zoom-in').click();
    const zoomed = await drawnWidth();
    expect(zoomed).toBeCloseTo(fitted * 1.25, 0);
    const stage = await page.getByTestId('image-stage').boundingBox();
    if (!stage) throw new Error('no image stage');
    await page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
    await page.mouse.wheel(0, -300);
    await expect.poll(drawnWidth).toBeGreaterThan(zoomed);
    expect(await page.getByTestId('image-scale').textContent()).toMatch(/^\d+ %$/);
    await shot(page, 'image-1400-light');

    // A reload returns to the image the URL names.
    await page.reload();
    await expect.poll(() => page.getByTestId('image-position').textContent(), { timeout: 60_000 }).toBe('2 of 32');
    await page.getByTestId('image-previous').click();
    await page.waitForURL('**/data/raw/images/img_000.png');
    await page.context().close();
  });

  it('a pushed DagsHub metrics.csv offers its chart, with its metric names in the legend', async () => {
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'training-log', private: false }),
    });
    expect(created.status).toBe(201);
    const work = path.join(tmp, 'training-log');
    fs.mkdirSync(work, { recursive: true });
    let csv = `${DAGSHUB_METRICS_HEADER}\n`;
    for (let step = 1; step <= STEPS; step++) {
      for (const [i, name] of METRICS.entries()) {
        csv += formatDagshubMetricRow(name, (i + 1) / (step + i), 1_700_000_000_000 + step * 1000, step);
      }
    }
    fs.writeFileSync(path.join(work, 'metrics.csv'), csv);
    const git = (...args: string[]) =>
      run('git', ['-C', work, '-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args]);
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Log a training with the DagsHub logger');
    await git('push', '-q', `http://admin:${ADMIN_TOKEN}@${new URL(server.url).host}/admin/training-log.git`, 'main');

    for (const [width, scheme] of [
      [1400, 'light'],
      [390, 'dark'],
    ] as const) {
      const page = await freshPage(width, scheme);
      await page.goto(`${server.url}/admin/training-log/blob/main/metrics.csv`);
      await page.getByTestId('csv-as-chart').click({ timeout: 60_000 });
      await page.waitForURL('**/metrics.csv?view=chart');
      const legend = page.locator('[data-testid="metrics-plot"] .u-legend .u-series .u-label');
      // The first six metrics are drawn; the rest wait in the picker.
      await expect.poll(() => legend.allTextContents(), { timeout: 30_000 }).toEqual(['Step', ...METRICS.slice(0, 6)]);
      await page.getByTestId('metric-picker').locator('summary').click();
      await page.getByTestId('metric-picker').getByLabel('epoch_time').check();
      await expect.poll(() => legend.allTextContents()).toContain('epoch_time');
      expect(await page.locator('[data-testid="metrics-plot"] canvas').count()).toBe(1);
      const box = await page.getByTestId('metrics-plot').boundingBox();
      expect(box && box.width <= width).toBe(true);
      if (scheme === 'dark') {
        // Legend text readable on the dark page.
        const [fg, bg] = await page.evaluate(() => [
          getComputedStyle(document.querySelector('.u-legend .u-label') as Element).color,
          getComputedStyle(document.body).backgroundColor,
        ]);
        expect(contrast(fg as string, bg as string)).toBeGreaterThanOrEqual(4.5);
      }
      await shot(page, `metrics-chart-${width}-${scheme}`);
      // Kept in the URL: a reload draws the chart again.
      await page.reload();
      await expect.poll(() => legend.count(), { timeout: 60_000 }).toBeGreaterThan(1);
      await page.getByTestId('csv-as-table').click();
      await page.waitForURL((url) => !url.search.includes('view=chart'));
      await page.getByTestId('csv-scroll').waitFor();
      await page.context().close();
    }
  });

  it('a folder of thousands of images in git: few tiles in the page, thumbnails made as they scroll into view', async () => {
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'photos', private: false }),
    });
    expect(created.status).toBe(201);
    const work = path.join(tmp, 'photos');
    fs.mkdirSync(path.join(work, 'images'), { recursive: true });
    for (let i = 0; i < PHOTOS; i++) {
      const pixels = new Uint8Array(16 * 12).map((_, p) => (i * 7 + p * 3) % 256);
      fs.writeFileSync(path.join(work, 'images', `p_${String(i).padStart(4, '0')}.png`), encodeGrayPng(16, 12, pixels));
    }
    fs.writeFileSync(path.join(work, 'images', 'README.md'), '# Photos\n');
    const git = (...args: string[]) =>
      run('git', ['-C', work, '-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args]);
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Three thousand photos');
    await git('push', '-q', `http://admin:${ADMIN_TOKEN}@${new URL(server.url).host}/admin/photos.git`, 'main');

    const page = await freshPage(1400, 'light');
    await page.goto(`${server.url}/admin/photos/tree/main/images`);
    // Mostly images (a README beside them is fine): the folder offers its gallery.
    await page.getByTestId('view-gallery').click({ timeout: 90_000 });
    await page.waitForURL('**/admin/photos/tree/main/images?view=gallery');
    await expect.poll(() => decodedThumbnails(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(8);
    const tiles = page.getByTestId('gallery-tile');
    expect(await tiles.count()).toBeLessThan(200);
    const firstThumb = await page
      .locator('[data-testid="gallery-tile"][data-name="p_0000.png"] img')
      .getAttribute('src');
    expect(firstThumb).toMatch(/^blob:/);

    // To the end of the folder: the last image's thumbnail is made, the page still holds few tiles.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const last = page.locator('[data-testid="gallery-tile"][data-name="p_2999.png"] img');
    await expect
      .poll(() => last.evaluate((i) => (i as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 60_000 })
      .toBe(16);
    expect(await tiles.count()).toBeLessThan(200);
    expect(await page.locator('[data-testid="gallery-tile"][data-name="p_0000.png"]').count()).toBe(0);
    // The first thumbnail's object URL was given back when it left the view.
    const stillReadable = await page.evaluate(
      (url) =>
        fetch(url).then(
          () => true,
          () => false,
        ),
      firstThumb as string,
    );
    expect(stillReadable).toBe(false);
    await page.context().close();
  });

  // Saved as PNGs only with CAIRN_SHOTS; the checks run always.
  it('the gallery, a mask and the demo metrics chart at 390 px and in dark mode', async () => {
    for (const [width, scheme] of [
      [1400, 'dark'],
      [390, 'light'],
      [390, 'dark'],
    ] as const) {
      const page = await freshPage(width, scheme);
      await page.goto(`${server.url}${IMAGES}?view=gallery`);
      await expect.poll(() => decodedThumbnails(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
      await shot(page, `gallery-${width}-${scheme}`);
      await page.goto(`${server.url}/demo/segmentation/blob/main/data/raw/images/masks/img_003.png`);
      await expect
        .poll(() => page.getByTestId('image').evaluate((i) => (i as HTMLImageElement).naturalWidth), {
          timeout: 60_000,
        })
        .toBe(64);
      await shot(page, `image-${width}-${scheme}`);
      await page.goto(`${server.url}/demo/segmentation/blob/main/metrics.csv?view=chart`);
      await page.locator('.u-legend').waitFor({ timeout: 60_000 });
      await shot(page, `demo-metrics-${width}-${scheme}`);
      await page.context().close();
    }
  });
});
