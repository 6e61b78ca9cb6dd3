/**
 * Experiments in Chromium, on the demo repository seeded by the server (36 MLflow runs with
 * metric histories): filter, sort, select 5 runs, compare them (parallel coordinates and a metric
 * history), then go offline and reload — the comparison still renders from what was synced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { saveScreenshots } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe.skipIf(!e2eAvailable())('experiments of the demo repository in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_DEMO: '1' });
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('filters, sorts, compares 5 runs, and shows the comparison again offline', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/demo/segmentation/experiments`);
    const status = page.getByTestId('runs-status');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/^(\d+) of \1 runs/);
    // The 36 MLflow runs, then the git experiments the page finds in the repository (it clones
    // it): wait for those too, or the rows change under the steps below when they land.
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(/^(\d+) of \1 runs · [1-9]\d* git experiments · synced/);
    const all = Number(/^(\d+) of/.exec((await status.textContent()) ?? '')?.[1]);
    expect(all).toBeGreaterThanOrEqual(36);

    // Filter with the core filter language.
    await page.getByTestId('run-filter').fill("params.encoder = 'resnet50'");
    await page.getByTestId('run-filter').press('Enter');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^(\\d+) of ${all} runs`));
    const shown = Number(/^(\d+) of/.exec((await status.textContent()) ?? '')?.[1]);
    expect(shown).toBeGreaterThanOrEqual(5);
    expect(shown).toBeLessThan(all);
    for (const row of await page.getByTestId('run-row').all()) {
      expect(await row.textContent()).toContain('resnet50');
    }
    // A bad filter is refused with a message, and the table keeps the last good result.
    await page.getByTestId('run-filter').fill('metrics.val_iou >');
    await page.getByTestId('run-filter').press('Enter');
    await expect(page.getByTestId('filter-error').textContent()).resolves.toMatch(/\S/);
    await page.getByTestId('run-filter').fill("params.encoder = 'resnet50'");
    await page.getByTestId('run-filter').press('Enter');
    await expect.poll(() => page.getByTestId('filter-error').count()).toBe(0);

    // Sort by the first metric column: twice (ascending then descending, or the reverse) and
    // check the column is ordered in the direction shown.
    const sortButtons = page.locator('button.exp-sort');
    const titles = await sortButtons.evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    const metricIndex = titles.findIndex((t) => t.startsWith('Sort by metric:'));
    expect(metricIndex).toBeGreaterThanOrEqual(0);
    const columnValues = () =>
      page
        .getByTestId('run-row')
        .evaluateAll(
          (rows, i) =>
            rows.map((r) => Number.parseFloat(r.querySelectorAll('.exp-cell:not(.exp-check)')[i]?.textContent ?? '')),
          metricIndex,
        );
    await sortButtons.nth(metricIndex).click();
    const first = (await columnValues()).filter((v) => !Number.isNaN(v));
    expect(first.length).toBeGreaterThanOrEqual(5);
    const ascending = [...first].sort((a, b) => a - b);
    const descending = [...ascending].reverse();
    expect([ascending, descending]).toContainEqual(first);

    // Select 5 runs and compare them.
    const boxes = page.getByTestId('run-row').locator('input[type=checkbox]');
    for (let i = 0; i < 5; i++) await boxes.nth(i).check();
    await expect(page.getByTestId('compare-button').textContent()).resolves.toContain('5');
    await page.getByTestId('compare-button').click();
    await page.getByTestId('compare-page').waitFor();
    await expect
      .poll(() => page.getByTestId('compare-page').textContent(), { timeout: 20_000 })
      .toContain('Comparing 5 runs');
    await page.getByTestId('parallel-coordinates').waitFor();
    await page.getByTestId('history-chart').locator('canvas').first().waitFor({ timeout: 20_000 });
    const compareUrl = page.url();
    expect(compareUrl).toContain('/demo/segmentation/experiments/compare?');
    // The whole page: the scatter and the final values' bars are below the first screen.
    await page.getByTestId('bar-chart').and(page.locator('[data-plotted]')).waitFor({ timeout: 20_000 });
    await saveScreenshots(page, process.env.CAIRN_SHOTS, 'compare-5-runs', { fullPage: true });
    // A narrower window (a phone turned) narrows the charts: the page never gets wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: 10_000 })
      .toBeLessThanOrEqual(390);
    // …and the scatter and bars are drawn again at their new width, not squeezed by CSS.
    for (const id of ['scatter-chart', 'bar-chart'])
      await expect
        .poll(
          () =>
            page
              .getByTestId(id)
              .evaluate((c: HTMLCanvasElement) => Math.abs(c.width / devicePixelRatio - Math.max(300, c.clientWidth))),
          { timeout: 10_000 },
        )
        .toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1400, height: 900 });

    // Something is drawn on the parallel-coordinates canvas (not a blank bitmap).
    const inked = () =>
      page.getByTestId('parallel-coordinates').evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        if (data) for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) n++;
        return n;
      });
    await expect.poll(inked, { timeout: 10_000 }).toBeGreaterThan(500);
    // Under the plot, a legend says what the colours mean: the column picked under "Colour by".
    const colourBy = await page.getByTestId('color-by').inputValue();
    await expect
      .poll(() => page.getByTestId('pc-legend').textContent(), { timeout: 10_000 })
      .toContain(`Colour: ${colourBy.slice(colourBy.indexOf(':') + 1)}`);

    // Offline, the same comparison reloads from the service worker and the local database.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await chrome.context.setOffline(true);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('compare-page').textContent(), { timeout: 20_000 })
      .toContain('Comparing 5 runs');
    await page.getByTestId('parallel-coordinates').waitFor();
    await expect.poll(inked, { timeout: 10_000 }).toBeGreaterThan(500);
    await page.getByTestId('history-chart').locator('canvas').first().waitFor({ timeout: 20_000 });
    expect(page.url()).toBe(compareUrl);
    await chrome.context.setOffline(false);
  });

  it('plots the shown runs on the Experiments page, and a brush selects the runs inside it', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/demo/segmentation/experiments`);
    const status = page.getByTestId('runs-status');
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(/^(\d+) of \1 runs · [1-9]\d* git experiments · synced/);
    await page.getByTestId('run-filter').fill("params.encoder = 'resnet50'");
    await page.getByTestId('run-filter').press('Enter');
    // Until the filter is applied: the status said "N of N runs" before it (read then, the count was
    // every run's while the plot drew the filtered ones).
    const counts = async (): Promise<[number, number] | null> => {
      const m = /^(\d+) of (\d+) runs/.exec((await status.textContent()) ?? '');
      return m ? [Number(m[1]), Number(m[2])] : null;
    };
    await expect.poll(async () => ((c) => c !== null && c[0] < c[1])(await counts()), { timeout: 10_000 }).toBe(true);
    const shown = ((await counts()) as [number, number])[0];

    await page.getByTestId('plot-button').click();
    const plot = page.getByTestId('parallel-coordinates');
    // Every shown run is drawn (the canvas says how many its frame holds), with ink on it.
    await expect.poll(() => plot.getAttribute('data-runs'), { timeout: 20_000 }).toBe(String(shown));
    const inked = await plot.evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      if (data) for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(500);
    // The legend names the column the lines are coloured by: a metric the table shows.
    await expect.poll(() => page.getByTestId('pc-legend').textContent(), { timeout: 10_000 }).toMatch(/^Colour: \S/);
    await expect(page.getByTestId('runs-plot-status').textContent()).resolves.toContain(`${shown} shown runs`);

    // A brush over the lower half of an axis holds some of the shown runs, not all: the first
    // axis where it does (a param every shown run shares holds all or none).
    const box = (await plot.boundingBox()) as { x: number; y: number; width: number; height: number };
    const axes = Number(await plot.getAttribute('data-axes'));
    const plotStatus = page.getByTestId('runs-plot-status');
    let inBrush = 0;
    for (let i = 0; i < axes && (inBrush === 0 || inBrush === shown); i++) {
      await plot.dblclick({ position: { x: 4, y: 4 } });
      await expect.poll(() => plotStatus.textContent(), { timeout: 10_000 }).toContain(`${shown} shown runs.`);
      const x = box.x + 48 + (i * (box.width - 96)) / Math.max(1, axes - 1);
      await page.mouse.move(x, box.y + 180);
      await page.mouse.down();
      await page.mouse.move(x, box.y + 320, { steps: 4 });
      await page.mouse.up();
      await expect
        .poll(() => plotStatus.textContent(), { timeout: 10_000 })
        .toMatch(new RegExp(`^\\d+ of ${shown} shown runs inside the brushes`));
      inBrush = Number(/^(\d+) of/.exec((await plotStatus.textContent()) ?? '')?.[1]);
    }
    expect(inBrush).toBeGreaterThan(0);
    expect(inBrush).toBeLessThan(shown);
    // Selecting them makes them the runs Compare takes.
    await page.getByTestId('select-brushed').click();
    await expect
      .poll(() => page.getByTestId('compare-button').textContent(), { timeout: 10_000 })
      .toBe(`Compare ${inBrush} ${inBrush === 1 ? 'run' : 'runs'}`);

    // The URL keeps the open plot: a reload shows the same view, plot and all.
    await expect.poll(() => new URL(page.url()).searchParams.get('plot'), { timeout: 10_000 }).toBe('1');
    await page.reload();
    await expect.poll(() => plot.getAttribute('data-runs'), { timeout: 60_000 }).toBe(String(shown));
    await expect(page.getByTestId('plot-button').textContent()).resolves.toBe('Hide plot');
    await page.close();
  });
});
