/**
 * The compare page's params-and-metrics table in real Chromium against the real server, with
 * more runs and params than a screen holds (60 MLflow runs × 70 params and 3 metrics): it shows
 * 50 runs, the best first, and says so; only the rows and columns in view are drawn, yet
 * scrolling over the box shows every param and metric of every run, each cell under its own
 * run's name (the run's logged value), the header row and name column staying in view; a brush
 * on the parallel coordinates puts the runs it holds first and dims the others' cells wherever
 * the table is scrolled; the keyboard scrolls it (End, Home); transposed, the same cells with a
 * row per run. Set CAIRN_SHOTS=DIR
 * to also save screenshots (1400 and 390 px, light and dark).
 */

import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { createRepo } from '../support/create-repo.ts';
import { saveScreenshots, signIn } from '../support/e2e-page.ts';
import { postJson } from '../support/post-json.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ADMIN_TOKEN = 'cairn_compare_table_admin_tok_01';
const ADMIN_PASSWORD = 'compare-table-admin-pw';
const REPO = 'admin/widecompare';
const RUNS = 60;
const PARAMS = 70;
const param = (k: number) => `p${String(k).padStart(2, '0')}`;
/** Run i's value of param k: different in every run and every param. */
const paramValue = (i: number, k: number) => `${k}-${(i * 7919 + k * 104729) % 100000}`;

/** What the table has drawn: its columns' names, and each drawn body row's name and cells. */
const drawn = (page: Page) =>
  page.getByTestId('compare-table').evaluate((box) => ({
    heads: [...box.querySelectorAll('thead th.cmp-cell')].map((th) => th.textContent ?? ''),
    rows: [...box.querySelectorAll('tbody tr:not(.cmp-spacer)')].map((tr) => ({
      name: tr.querySelector('th')?.textContent ?? '',
      cells: [...tr.querySelectorAll('td:not(.cmp-gap)')].map((td) => td.textContent ?? ''),
    })),
  }));

/**
 * Scrolls the table's box over its whole area, a screen at a time down and across; at each stop
 * the header row is at the box's top and the name column at its left, and every drawn row has a
 * cell per drawn column. Returns the columns' names in order and every cell seen, by row and column.
 */
async function scrollThrough(page: Page): Promise<{ columns: string[]; cells: Map<string, Map<string, string>> }> {
  const columns = new Set<string>();
  const cells = new Map<string, Map<string, string>>();
  const box = page.getByTestId('compare-table');
  const stop = async () => {
    // The rows and columns drawn follow the scroll on the next frame.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { heads, rows } = await drawn(page);
    for (const h of heads) columns.add(h);
    for (const row of rows) {
      expect(row.cells, row.name).toHaveLength(heads.length);
      const line = cells.get(row.name) ?? new Map<string, string>();
      for (const [i, text] of row.cells.entries()) line.set(heads[i] as string, text);
      cells.set(row.name, line);
    }
    const at = await box.evaluate((el) => {
      const b = el.getBoundingClientRect();
      const view = { right: b.left + el.clientWidth, bottom: b.top + el.clientHeight };
      const corner = (el.querySelector('thead th') as HTMLElement).getBoundingClientRect();
      const names = [...el.querySelectorAll('tbody tr:not(.cmp-spacer) th')].map((th) => th.getBoundingClientRect());
      const heads = [...el.querySelectorAll('thead th.cmp-cell')].map((th) => th.getBoundingClientRect());
      const [firstRow, lastRow] = [names[0] as DOMRect, names[names.length - 1] as DOMRect];
      const [firstCol, lastCol] = [heads[0] as DOMRect, heads[heads.length - 1] as DOMRect];
      return {
        top: corner.top - b.top,
        left: (firstRow as DOMRect).left - b.left,
        // The drawn cells cover the box: nothing blank above, below, left or right of them.
        covered:
          firstRow.top <= corner.bottom + 1 &&
          (lastRow.bottom >= view.bottom - 1 || el.scrollTop + el.clientHeight >= el.scrollHeight - 1) &&
          firstCol.left <= corner.right + 1 &&
          (lastCol.right >= view.right - 1 || el.scrollLeft + el.clientWidth >= el.scrollWidth - 1),
      };
    });
    expect(Math.abs(at.top - 1)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(at.left - 1)).toBeLessThanOrEqual(1.5);
    expect(at.covered).toBe(true);
  };
  await box.evaluate((el) => el.scrollTo(0, 0));
  for (let down = 0; down < 100; down++) {
    for (let across = 0; across < 100; across++) {
      await stop();
      const end = await box.evaluate((el) => {
        if (el.scrollLeft + el.clientWidth >= el.scrollWidth - 1) return true;
        el.scrollLeft += el.clientWidth - 250;
        return false;
      });
      if (end) break;
    }
    const end = await box.evaluate((el) => {
      el.scrollLeft = 0;
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return true;
      el.scrollTop += el.clientHeight - 60;
      return false;
    });
    if (end) return { columns: [...columns], cells };
  }
  throw new Error('the table never scrolled to its end');
}

describe.skipIf(!e2eAvailable())('the compare table of many runs and params', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let context: BrowserContext;
  const names: string[] = [];

  const api = (p: string, body: unknown) => postJson(server.url, ADMIN_TOKEN, p, body);

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD, CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    expect((await createRepo(server.url, ADMIN_TOKEN, { name: 'widecompare', private: false })).status).toBe(201);
    const mlflow = `/${REPO}.mlflow/api/2.0/mlflow`;
    const exp = await api(`${mlflow}/experiments/create`, { name: 'sweep' });
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < RUNS; i++) {
      const t = t0 + i * 1000;
      const name = `sweep-${String(i).padStart(2, '0')}`;
      names.push(name);
      const created = (await api(`${mlflow}/runs/create`, {
        experiment_id: exp.experiment_id,
        run_name: name,
        start_time: t,
      })) as { run: { info: { run_id: string } } };
      await api(`${mlflow}/runs/log-batch`, {
        run_id: created.run.info.run_id,
        metrics: [
          { key: 'val_loss', value: 1 / (i + 1), timestamp: t, step: 1 },
          { key: 'train_loss', value: 2 / (i + 2), timestamp: t, step: 1 },
          { key: 'epochs', value: 10, timestamp: t, step: 1 },
        ],
        params: Array.from({ length: PARAMS }, (_, k) => ({ key: param(k), value: paramValue(i, k) })),
      });
    }
    chrome = await launchChromium({ viewport: { width: 1400, height: 900 } });
    context = chrome.context;
    const page = await context.newPage();
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.close();
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('shows 50 runs, draws only the cells in view, scrolls over every cell under its run, and dims runs outside a brush', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/${REPO}/experiments`);
    await expect
      .poll(() => page.getByTestId('runs-status').textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`^${RUNS} of ${RUNS} runs`));
    await page.getByRole('checkbox', { name: 'Select all shown runs' }).check();
    await expect.poll(() => page.getByTestId('compare-button').textContent()).toContain(String(RUNS));
    await page.getByTestId('compare-button').click();
    await expect
      .poll(() => page.getByTestId('compare-page').textContent(), { timeout: 20_000 })
      .toContain(`Comparing ${RUNS} runs`);

    // The best run by val_loss (the lowest: the last one logged) heads the table; 50 runs are shown.
    await expect.poll(() => page.getByTestId('compare-best').textContent()).toMatch(/^Best by val_loss .*sweep-59/);
    expect(await page.getByTestId('compare-page').textContent()).toContain(`The table shows 50 of ${RUNS} runs`);
    const first = await drawn(page);
    // On failure, what the page holds instead.
    const html = first.heads.length ? '' : (await page.getByTestId('compare-page').innerHTML()).slice(0, 2000);
    expect(first.heads[0], html).toBe('sweep-59');
    // Only what is in view is drawn: a screen's worth of the 73+ rows and 50 runs.
    const rowCount = Number(await page.getByTestId('compare-table').getAttribute('data-rows'));
    expect(rowCount).toBeGreaterThanOrEqual(PARAMS + 3);
    expect(first.rows.length).toBeGreaterThan(5);
    expect(first.rows.length).toBeLessThan(40);
    expect(first.heads.length).toBeGreaterThan(4);
    expect(first.heads.length).toBeLessThan(20);
    // The charted metric first, then what differs.
    expect(first.rows[0]?.name).toBe('metric:val_loss');
    await saveScreenshots(page, process.env.CAIRN_SHOTS, 'compare-table-60-runs');

    // The keyboard scrolls it: the box takes focus, End goes to the last rows (drawn), Home back.
    const box = page.getByTestId('compare-table');
    await box.focus();
    await page.keyboard.press('End');
    await expect.poll(() => box.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1)).toBe(true);
    await expect.poll(async () => (await drawn(page)).rows.some((r) => r.name === first.rows[0]?.name)).toBe(false);
    await page.keyboard.press('Home');
    await expect.poll(async () => (await drawn(page)).rows[0]?.name).toBe('metric:val_loss');

    // Scrolling over it shows 50 runs, best first, and every row, each cell its run's value.
    const { columns, cells } = await scrollThrough(page);
    expect(columns).toHaveLength(50);
    expect(columns[0]).toBe('sweep-59');
    expect(new Set(columns).size).toBe(50);
    expect(cells.size).toBe(rowCount);
    const runIndex = (name: string) => Number(name.slice('sweep-'.length));
    for (let k = 0; k < PARAMS; k++) {
      const line = cells.get(`param:${param(k)}`);
      expect([...(line?.keys() ?? [])].sort(), param(k)).toEqual([...columns].sort());
      for (const run of columns) expect(line?.get(run), `${param(k)} of ${run}`).toBe(paramValue(runIndex(run), k));
    }
    for (const run of columns) expect(cells.get('metric:epochs')?.get(run)).toBe('10');

    // A brush on the parallel coordinates holds some runs: they come first in the table, and the
    // others' cells are dimmed, wherever the table is scrolled to.
    const plot = page.getByTestId('parallel-coordinates');
    await plot.scrollIntoViewIfNeeded();
    const status = page.getByTestId('brush-status');
    const axes = Number(await plot.getAttribute('data-axes'));
    let held = 0;
    for (let i = 0; i < axes && (held === 0 || held >= 50); i++) {
      await plot.dblclick({ position: { x: 4, y: 4 } });
      const at = (await plot.boundingBox()) as { x: number; y: number; width: number; height: number };
      const x = at.x + 48 + (i * (at.width - 96)) / Math.max(1, axes - 1);
      await page.mouse.move(x, at.y + at.height * 0.3);
      await page.mouse.down();
      await page.mouse.move(x, at.y + at.height * 0.6, { steps: 4 });
      await page.mouse.up();
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/^\d+ of 60 runs inside the brushes/);
      held = Number(/^(\d+) of/.exec((await status.textContent()) ?? '')?.[1]);
    }
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(50);
    const table = page.getByTestId('compare-table');
    await table.scrollIntoViewIfNeeded();
    /** Each drawn run column: whether its header says brushed, and its first cell's opacity. */
    const dimming = () =>
      table.evaluate((el) => {
        const heads = [...el.querySelectorAll('thead th.cmp-cell')];
        const cells = [...el.querySelectorAll('tbody tr:not(.cmp-spacer)')][0]?.querySelectorAll('td:not(.cmp-gap)');
        return heads.map((th, i) => ({
          brushed: th.classList.contains('brushed'),
          opacity: getComputedStyle(cells?.[i] as Element).opacity,
        }));
      });
    for (const left of [0, 1e6]) {
      await table.evaluate((el, x) => el.scrollTo(x, 0), left);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const shown = await dimming();
      expect(shown.length).toBeGreaterThan(3);
      for (const c of shown) expect(c.opacity).toBe(c.brushed ? '1' : '0.35');
      // Brushed runs first: at the left, the first column is one; at the right, they are all past.
      if (left === 0) expect(shown[0]?.brushed).toBe(true);
      else expect(shown.every((c) => !c.brushed)).toBe(true);
    }
    await plot.dblclick({ position: { x: 4, y: 4 } });
    await expect.poll(() => status.textContent()).toMatch(/^Drag along an axis/);

    // Transposed: a row per run (50), a column per param and metric; every cell again.
    await page.getByLabel('Transpose').check();
    await expect.poll(() => page.getByTestId('compare-table').getAttribute('data-rows')).toBe('50');
    expect(page.url()).toContain('t=1');
    const byRun = await scrollThrough(page);
    expect(byRun.columns).toHaveLength(rowCount);
    expect([...byRun.cells.keys()].sort()).toEqual([...columns].sort());
    for (const [run, line] of byRun.cells) {
      for (let k = 0; k < PARAMS; k++) expect(line.get(`param:${param(k)}`), run).toBe(paramValue(runIndex(run), k));
    }
    await page.getByTestId('compare-table').evaluate((el) => el.scrollTo(0, 0));
    await saveScreenshots(page, process.env.CAIRN_SHOTS, 'compare-table-transposed');
    expect(errors).toEqual([]);
    await page.close();
  });
});
