/**
 * The experiments views answer at a glance (issue 11), on the seeded demo repository in
 * Chromium at 1400 px, checked the way a person looks:
 * - a metric's header is on the first screen, and the frozen name stays at the left, with the
 *   columns beside it, when the table scrolls sideways;
 * - one `val_iou` column holds MLflow runs' and git experiments' values, and a filter on it
 *   returns both kinds;
 * - on the compare page every select shows what is plotted after a change, and the scatter
 *   has titled axes;
 * - in dark mode the charts' text (drawn on canvas or around it) has a contrast of at least
 *   4.5:1 against the background it sits on, computed from the colours on screen.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { blanked, cloneInApp, watchForBlanking } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Clones the demo on this device and opens its experiments with git experiments read. */
async function openExperiments(page: Page, url: string): Promise<void> {
  await cloneInApp(page, url, 'demo/segmentation');
  await page.getByTestId('entry').first().waitFor({ timeout: 30_000 });
  await page.goto(`${url}/demo/segmentation/experiments`);
  await expect
    .poll(() => page.getByTestId('runs-status').textContent(), { timeout: 60_000 })
    .toMatch(/^(\d+) of \1 runs · [1-9]\d* git experiments · synced/);
}

/** The shown runs: where each came from (git or mlflow) and its val_iou as the table shows it. */
function rowsOf(page: Page) {
  return page.getByTestId('run-row').evaluateAll((rows) =>
    rows.map((r) => ({
      source: r.getAttribute('data-source') ?? '',
      iou: r.querySelector('[data-col="metric:val_iou"]')?.textContent ?? '',
    })),
  );
}

describe.skipIf(!e2eAvailable())('runs that show results and a compare page that answers (demo, Chromium)', () => {
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

  it('shows metrics on the first screen beside a frozen name, one val_iou column for MLflow and git', async () => {
    const page = await chrome.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1400, height: 900 });
    await openExperiments(page, server.url);

    // A metric header is inside the first 1400 px, fully.
    const iouHead = page.locator('.exp-head [data-col="metric:val_iou"]');
    const box = await iouHead.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.x ?? 9999) + (box?.width ?? 0)).toBeLessThanOrEqual(1400);
    await expect(iouHead.textContent()).resolves.toMatch(/^val_iou/);

    // One val_iou column: no file-qualified twin, and it names the files git experiments read.
    const heads = await page
      .locator('.exp-head [data-col]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-col')));
    expect(heads.filter((h) => h?.includes('val_iou'))).toEqual(['metric:val_iou']);
    await expect(iouHead.locator('.exp-sort').getAttribute('title')).resolves.toMatch(/metrics\.csv/);
    const all = await rowsOf(page);
    const git = all.filter((r) => r.source === 'git');
    const mlflow = all.filter((r) => r.source === 'mlflow');
    expect(git.some((r) => Number.parseFloat(r.iou) > 0)).toBe(true);
    expect(mlflow.some((r) => Number.parseFloat(r.iou) > 0)).toBe(true);

    // Scrolled to the far right, the name stays where it was and the next column starts at its edge.
    const nameHead = page.locator('.exp-head [data-col="attr:name"]');
    const before = await nameHead.boundingBox();
    await page.getByTestId('runs-table').evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    await expect.poll(() => page.getByTestId('runs-table').evaluate((el) => el.scrollLeft)).toBeGreaterThan(300);
    const after = await nameHead.boundingBox();
    expect(after?.x).toBe(before?.x);
    const firstName = page.getByTestId('run-row').first().locator('[data-col="attr:name"] a');
    const nameBox = await firstName.boundingBox();
    const onTop = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x as number, y as number)?.closest('a')?.textContent ?? null,
      [(nameBox?.x ?? 0) + 10, (nameBox?.y ?? 0) + (nameBox?.height ?? 0) / 2],
    );
    expect(onTop).toBe(await firstName.textContent());
    const nameRight = (after?.x ?? 0) + (after?.width ?? 0);
    const visibleHeads = await page.locator('.exp-head .exp-cell[data-col]').evaluateAll(
      (els, right) =>
        els
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.right > (right as number) + 1)
          .map((r) => r.left),
      nameRight,
    );
    // What shows right of the name begins under its edge (the rest scrolled beneath it).
    expect(Math.min(...visibleHeads)).toBeLessThanOrEqual(nameRight + 1);

    // Pinned, val_iou stays right beside the name while the table scrolls.
    await page.getByTestId('runs-table').evaluate((el) => {
      el.scrollLeft = 0;
    });
    await iouHead.hover();
    await iouHead.getByTitle('Pin').click();
    await page.getByTestId('runs-table').evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    await expect
      .poll(async () => {
        const b = await page.locator('.exp-head [data-col="metric:val_iou"]').boundingBox();
        return Math.round(b?.x ?? -1);
      })
      .toBe(Math.round(nameRight));

    // A filter on it returns both kinds of runs, each above 0.7.
    await page.getByTestId('run-filter').fill('metrics.val_iou > 0.7');
    await page.getByTestId('run-filter').press('Enter');
    await expect.poll(async () => (await rowsOf(page)).length).toBeLessThan(all.length);
    const kept = await rowsOf(page);
    expect(kept.some((r) => r.source === 'git')).toBe(true);
    expect(kept.some((r) => r.source === 'mlflow')).toBe(true);
    expect(kept.every((r) => Number.parseFloat(r.iou) > 0.7)).toBe(true);

    // Nothing matches: said. An invalid filter: the error with its position, and no runs.
    await page.getByTestId('run-filter').fill('metrics.val_iou > 2');
    await page.getByTestId('run-filter').press('Enter');
    await expect.poll(() => page.getByTestId('no-runs').textContent()).toMatch(/No runs match/);
    await page.getByTestId('run-filter').fill('metrics.val_iou >');
    await page.getByTestId('run-filter').press('Enter');
    await expect.poll(() => page.getByTestId('filter-error').textContent()).toMatch(/Column 18/);
    expect(await page.getByTestId('run-row').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps each compare select on what is plotted, titles the scatter axes, and themes charts for dark mode', async () => {
    const page = await chrome.context.newPage();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${server.url}/demo/segmentation/experiments`);
    await expect
      .poll(() => page.getByTestId('runs-status').textContent(), { timeout: 60_000 })
      .toMatch(/git experiments · synced/);
    const boxes = page.getByTestId('run-row').locator('input[type=checkbox]');
    for (let i = 0; i < 6; i++) await boxes.nth(i).check();
    await page.getByTestId('compare-button').click();
    await page.getByTestId('scatter-chart').waitFor();

    // The default metric varies across the runs: the bars are not all equal.
    const x = page.getByTestId('scatter-x');
    const y = page.getByTestId('scatter-y');
    await expect.poll(() => y.inputValue()).toMatch(/^metric:/);
    const xBefore = await x.inputValue();
    const options = await y.locator('option').evaluateAll((o) => o.map((e) => (e as HTMLOptionElement).value));
    const other = options.find((v) => v.startsWith('metric:') && v !== options[0] && v !== 'metric:val_iou');
    expect(other).toBeDefined();
    await y.selectOption(other as string);
    // Both selects show the plotted series; the chart's title and y axis say the same.
    await expect.poll(() => y.inputValue()).toBe(other);
    await expect.poll(() => x.inputValue()).toBe(xBefore);
    const key = (id: string) => id.slice(id.indexOf(':') + 1);
    const figure = page.getByTestId('scatter-figure');
    await expect.poll(() => figure.getByTestId('axis-y').textContent()).toBe(`${key(other as string)} (metric)`);
    await expect(figure.getByTestId('axis-x').textContent()).resolves.toMatch(new RegExp(`^${key(xBefore)} \\(`));
    await expect(figure.getByTestId('chart-title').textContent()).resolves.toBe(
      `${key(other as string)} against ${key(xBefore)}`,
    );
    // The history's metric select too.
    const hm = page.getByTestId('history-metric');
    await hm.selectOption(key(other as string));
    await expect.poll(() => hm.inputValue()).toBe(key(other as string));
    await expect.poll(() => y.inputValue()).toBe(other);
    await expect
      .poll(() => page.locator('[data-testid="history-chart"] .u-title').textContent(), { timeout: 20_000 })
      .toBe(key(other as string));

    // Dark mode: chart text contrast from the colours on screen (DOM text and canvas pixels).
    await page.locator('[data-testid="history-chart"] canvas').first().waitFor({ timeout: 20_000 });
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-testid="parallel-coordinates"]')?.getAttribute('data-frames') ?? 0) > 0,
    );
    const contrasts = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r as number) + 0.7152 * f(g as number) + 0.0722 * f(b as number);
      };
      const ratio = (a: number[], b: number[]) => {
        const [l1, l2] = [lum(a), lum(b)].sort((p, q) => q - p) as [number, number];
        return (l1 + 0.05) / (l2 + 0.05);
      };
      const bgOf = (el: Element | null): number[] => {
        for (let e = el; e; e = e.parentElement) {
          const c = getComputedStyle(e).backgroundColor;
          const v = (c.match(/[\d.]+/g) ?? []).map(Number);
          if (v.length === 3 || (v.length === 4 && (v[3] as number) > 0.9)) return v.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const out: Record<string, number> = {};
      // Text around the charts (titles, axis titles).
      for (const el of document.querySelectorAll(
        '[data-testid="chart-title"], [data-testid="axis-x"], [data-testid="axis-y"], .u-title',
      )) {
        const name = `${el.parentElement?.closest('[data-testid]')?.getAttribute('data-testid')}/${el.getAttribute('data-testid') ?? 'u-title'}`;
        out[name] = Math.min(out[name] ?? 99, ratio(rgb(getComputedStyle(el).color), bgOf(el)));
      }
      // Text drawn on canvas: in a strip that holds only text (tick labels or axis names), the
      // pixel standing out most from the background is the text's own colour.
      const strip = (name: string, canvas: HTMLCanvasElement, x0: number, y0: number, w: number, h: number) => {
        const c = document.createElement('canvas');
        c.width = canvas.width;
        c.height = canvas.height;
        const ctx = c.getContext('2d') as CanvasRenderingContext2D;
        ctx.drawImage(canvas, 0, 0);
        const d = ctx.getImageData(x0, y0, w, h).data;
        const bg = bgOf(canvas);
        let best = 1;
        let inked = 0;
        for (let i = 0; i < d.length; i += 4) {
          const a = (d[i + 3] as number) / 255;
          if (a === 0) continue;
          inked++;
          const px = [0, 1, 2].map((k) => (d[i + k] as number) * a + (bg[k] as number) * (1 - a));
          best = Math.max(best, ratio(px, bg));
        }
        out[name] = inked > 20 ? best : 0;
      };
      const dpr = devicePixelRatio;
      const scatter = document.querySelector('[data-testid="scatter-chart"]') as HTMLCanvasElement;
      strip('scatter y ticks', scatter, 0, 0, Math.round(40 * dpr), scatter.height);
      const bars = document.querySelector('[data-testid="bar-chart"]') as HTMLCanvasElement;
      strip('bar y ticks', bars, 0, 0, Math.round(40 * dpr), bars.height);
      const pc = document.querySelector('[data-testid="parallel-coordinates"]') as HTMLCanvasElement;
      strip('parallel axis names', pc, 0, 0, pc.width, Math.round(14 * dpr));
      const hist = document.querySelector('[data-testid="history-chart"] canvas') as HTMLCanvasElement;
      strip('history y ticks', hist, 0, 0, Math.round(40 * dpr), hist.height);
      return out;
    });
    expect(Object.keys(contrasts).length).toBeGreaterThanOrEqual(8);
    for (const [name, c] of Object.entries(contrasts)) expect(c, name).toBeGreaterThanOrEqual(4.5);
    await page.close();
  });

  it('names the best of many compared runs first and draws their histories (lines drawn by a worker), zoomable', async () => {
    const page = await chrome.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${server.url}/demo/segmentation/experiments`);
    await expect
      .poll(() => page.getByTestId('runs-status').textContent(), { timeout: 60_000 })
      .toMatch(/git experiments · synced/);
    // Every run (more than 20): the history chart's lines are drawn by its worker over uPlot's axes.
    // Whatever loads later on the compare page (the note's editor, the charts) never takes the
    // page away meanwhile: a lazy part that suspended the app's boundary blanked it for ~200 ms.
    await watchForBlanking(page, '[data-testid="compare-best"]');
    await page.getByRole('checkbox', { name: 'Select all shown runs' }).check();
    await expect
      .poll(async () => Number((await page.getByTestId('compare-button').textContent())?.match(/\d+/)?.[0] ?? 0))
      .toBeGreaterThan(20);
    await page.getByTestId('compare-button').click();

    // The answer first: the best run by the charted metric is named, and heads the table.
    const best = page.getByTestId('compare-best');
    await expect
      .poll(() => best.textContent(), { timeout: 20_000 })
      .toMatch(/^Best by \S+ \((lowest|highest) last value\): /);
    const bestName = await best.locator('a').textContent();
    const firstHead = page.locator('[data-testid="compare-table"] thead th.cmp-cell').first();
    await expect.poll(() => firstHead.textContent()).toBe(bestName);
    expect(await page.getByTestId('compare-differs').textContent()).toMatch(
      /^What differs: \d+ params? and \d+ metrics?/,
    );
    expect((await best.boundingBox())?.y ?? 9999).toBeLessThan(900);

    // Lines are on the chart: the worker's canvas over uPlot's plot area has ink.
    const chart = page.getByTestId('history-chart');
    const lines = chart.getByTestId('history-lines');
    await lines.waitFor({ timeout: 20_000 });
    const inked = () =>
      lines.evaluate((c) => {
        const src = c as HTMLCanvasElement;
        const copy = document.createElement('canvas');
        copy.width = src.width;
        copy.height = src.height;
        const ctx = copy.getContext('2d') as CanvasRenderingContext2D;
        ctx.drawImage(src, 0, 0);
        const d = ctx.getImageData(0, 0, copy.width, copy.height).data;
        let k = 0;
        for (let i = 3; i < d.length; i += 4) if ((d[i] as number) > 0) k++;
        return k;
      });
    await expect.poll(inked, { timeout: 20_000 }).toBeGreaterThan(2000);

    // Dragging across the plot zooms in: the worker draws the lines again on the new scales.
    const frames = async () => Number((await chart.getAttribute('data-frames')) ?? 0);
    await chart.scrollIntoViewIfNeeded();
    const before = await frames();
    const over = chart.locator('.u-over');
    const box = await over.boundingBox();
    if (!box) throw new Error('the history chart has no plot area');
    await page.mouse.move(box.x + box.width * 0.2, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + 60, { steps: 5 });
    await page.mouse.up();
    await expect.poll(frames, { timeout: 10_000 }).toBeGreaterThan(before);
    await expect.poll(inked, { timeout: 10_000 }).toBeGreaterThan(2000);
    await page.getByTestId('compare-note').getByTestId('note-panel').waitFor({ timeout: 20_000 });
    expect(await blanked(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
