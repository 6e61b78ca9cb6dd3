/**
 * The compare page's params-and-metrics table in real Chromium against the real server, with
 * more runs and params than a screen holds (60 MLflow runs × 70 params and 3 metrics): it shows
 * 50 runs and says so; only the rows in view are drawn, yet scrolling through the box shows every
 * param and metric, each cell under its own run's name (the run's logged value), the header row
 * staying in view; transposed, it scrolls through the 50 runs the same way. Set CAIRN_SHOTS=DIR
 * to also save screenshots (1400 and 390 px, light and dark).
 */

import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { createRepo } from '../support/create-repo.ts';
import { saveScreenshots, signIn } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ADMIN_TOKEN = 'cairn_compare_table_admin_tok_01';
const ADMIN_PASSWORD = 'compare-table-admin-pw';
const REPO = 'admin/widecompare';
const RUNS = 60;
const PARAMS = 70;
const param = (k: number) => `p${String(k).padStart(2, '0')}`;
/** Run i's value of param k: different in every run and every param. */
const paramValue = (i: number, k: number) => `${k}-${(i * 7919 + k * 104729) % 100000}`;

/** The table's drawn body rows: each row's name and cells. */
const drawnRows = (page: Page) =>
  page.getByTestId('compare-table').evaluate((box) =>
    [...box.querySelectorAll('tbody tr:not(.cmp-spacer)')].map((tr) => ({
      name: tr.querySelector('th')?.textContent ?? '',
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
    })),
  );
const headNames = (page: Page) =>
  page.locator('[data-testid="compare-table"] thead th').evaluateAll((ths) => ths.map((th) => th.textContent ?? ''));

/**
 * Scrolls the table's box from top to bottom a screen at a time; at each stop the header row is
 * at the box's top. Returns every body row seen, by name.
 */
async function scrollThrough(page: Page): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>();
  const box = page.getByTestId('compare-table');
  for (let stop = 0; stop < 200; stop++) {
    // The rows drawn follow the scroll on the next frame.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    for (const row of await drawnRows(page)) seen.set(row.name, row.cells);
    const { top, headTop, atEnd } = await box.evaluate((el) => ({
      top: el.getBoundingClientRect().top,
      headTop: (el.querySelector('thead th') as HTMLElement).getBoundingClientRect().top,
      atEnd: el.scrollTop + el.clientHeight >= el.scrollHeight - 1,
    }));
    expect(Math.abs(headTop - top - 1)).toBeLessThanOrEqual(1.5);
    if (atEnd) return seen;
    await box.evaluate((el) => {
      el.scrollTop += el.clientHeight - 40;
    });
  }
  throw new Error('the table never scrolled to its end');
}

describe.skipIf(!e2eAvailable())('the compare table of many runs and params', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let context: BrowserContext;
  const names: string[] = [];

  const api = async (p: string, body: unknown) => {
    const res = await fetch(`${server.url}${p}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, `POST ${p}`).toBeLessThan(300);
    return (await res.json()) as Record<string, unknown>;
  };

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

  it('shows 50 runs, draws only the rows in view, and scrolls through every param under its run', async () => {
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
    const heads = await headNames(page);
    // On failure, what the page holds instead.
    const page0 = heads.length === 51 ? '' : (await page.getByTestId('compare-page').innerHTML()).slice(0, 2000);
    expect(heads, page0).toHaveLength(51);
    expect(heads[1]).toBe('sweep-59');
    expect(new Set(heads.slice(1)).size).toBe(50);

    // Rows: 70 params and 3 metrics (tags too, if any); only a screen's worth is drawn.
    const rowCount = Number(await page.getByTestId('compare-table').getAttribute('data-rows'));
    expect(rowCount).toBeGreaterThanOrEqual(PARAMS + 3);
    const first = await drawnRows(page);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(40);
    // The charted metric first, then what differs.
    expect(first[0]?.name).toBe('metric:val_loss');
    await saveScreenshots(page, process.env.CAIRN_SHOTS, 'compare-table-60-runs');

    // Scrolling through shows every row, each cell its run's value.
    const seen = await scrollThrough(page);
    expect(seen.size).toBe(rowCount);
    const runIndex = (name: string) => Number(name.slice('sweep-'.length));
    for (let k = 0; k < PARAMS; k++) {
      const cells = seen.get(`param:${param(k)}`);
      expect(cells, param(k)).toHaveLength(50);
      expect(cells).toEqual(heads.slice(1).map((run) => paramValue(runIndex(run), k)));
    }
    expect(seen.get('metric:epochs')).toEqual(heads.slice(1).map(() => '10'));

    // Transposed: a row per run (50), a column per param and metric; it scrolls through every run.
    await page.getByLabel('Transpose').check();
    await expect.poll(() => page.getByTestId('compare-table').getAttribute('data-rows')).toBe('50');
    await page.getByTestId('compare-table').evaluate((el) => {
      el.scrollTop = 0;
    });
    const transposedHeads = await headNames(page);
    expect(transposedHeads[0]).toBe('run');
    expect(transposedHeads).toHaveLength(rowCount + 1);
    const byRun = await scrollThrough(page);
    expect([...byRun.keys()].sort()).toEqual(heads.slice(1).sort());
    const p05 = transposedHeads.indexOf(`param:${param(5)}`) - 1;
    for (const [run, cells] of byRun) expect(cells[p05], run).toBe(paramValue(runIndex(run), 5));
    expect(page.url()).toContain('t=1');
    await saveScreenshots(page, process.env.CAIRN_SHOTS, 'compare-table-transposed');
    expect(errors).toEqual([]);
    await page.close();
  });
});
