/**
 * 100,000 runs on the Experiments page in Chromium: generated here, uploaded through the real
 * server's run feed (runs/batch), then the page is opened on a device that has never synced
 * them. Every run must arrive in the table ("100,000 of 100,000 runs"), sorting by a metric
 * must put the best run first, and the parallel coordinates must draw every run. No timing
 * here: the speed is bench/experiments-browser.bench.ts's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { createRepo } from '../support/create-repo.ts';
import { saveScreenshots } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const RUNS = 100_000;
const SHOTS = process.env.CAIRN_SHOTS; // a folder: also save screenshots there, to look at
const TOKEN = 'cairn_e2e_admin_token_runs100k';
/** The one run with the highest accuracy (every other run's is below 0.99). */
const BEST = 73_421;

function runAt(j: number) {
  return {
    id: `run${String(j).padStart(6, '0')}`,
    name: `run-${j}`,
    status: 'FINISHED',
    startTime: 1_700_000_000_000 + j * 1000,
    endTime: 1_700_000_000_500 + j * 1000,
    params: { optimizer: ['adam', 'sgd', 'rmsprop'][j % 3] as string, lr: String(((j % 7) + 1) / 1000) },
    tags: { team: j % 2 ? 'vision' : 'nlp' },
    metrics: [
      {
        key: 'accuracy',
        value: j === BEST ? 0.9987 : ((j * 7919) % 9900) / 10_000,
        timestamp: 1_700_000_000_000,
        step: 1,
      },
      { key: 'loss', value: ((j * 104_729) % 10_007) / 1000, timestamp: 1_700_000_000_000, step: 1 },
    ],
  };
}

describe.skipIf(!e2eAvailable())('the Experiments page at 100,000 runs', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_TOKEN: TOKEN, CAIRN_ADMIN_PASSWORD: 'e2e-password-100k' });
    chrome = await launchChromium();
    const made = await createRepo(server.url, TOKEN, { name: 'many-runs', private: false });
    expect(made.status).toBe(201);
    for (let i = 0; i < RUNS; i += 1000) {
      const runs = Array.from({ length: 1000 }, (_, k) => runAt(i + k));
      const r = await fetch(`${server.url}/api/v1/repos/admin/many-runs/runs/batch`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ runs }),
      });
      expect(r.status, await r.clone().text()).toBe(200);
    }
  }, 900_000);
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('syncs every run into the table and sorts the best one first', { timeout: 900_000 }, async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/admin/many-runs/experiments`);
    const status = page.getByTestId('runs-status');
    // Runs show while the sync goes on, then all of them.
    await page.getByTestId('run-row').first().waitFor({ timeout: 300_000 });
    await expect
      .poll(() => status.textContent(), { timeout: 600_000, interval: 1000 })
      .toMatch(/^100,000 of 100,000 runs/);

    await page.locator('button.exp-sort[title="Sort by metric:accuracy"]').click({ timeout: 30_000 });
    const first = page.getByTestId('run-row').first();
    await expect.poll(() => first.getAttribute('data-run-id'), { timeout: 30_000 }).toBe(runAt(BEST).id);
    await expect(first.locator('[data-col="metric:accuracy"]').textContent()).resolves.toBe('0.9987');
    await expect(first.locator('[data-col="attr:name"]').textContent()).resolves.toBe(`run-${BEST}`);
    await expect(status.textContent()).resolves.toMatch(/^100,000 of 100,000 runs/);
    await page.close();
  });

  it('shows every run again from this device on a reload', { timeout: 900_000 }, async () => {
    const page = await chrome.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/admin/many-runs/experiments`);
    await expect
      .poll(() => page.getByTestId('runs-status').textContent(), { timeout: 300_000, interval: 1000 })
      .toMatch(/^100,000 of 100,000 runs/);
    await expect(page.getByTestId('run-row').first().locator('[data-col="attr:name"]').textContent()).resolves.toMatch(
      /^run-\d+$/,
    );
    await saveScreenshots(page, SHOTS, 'experiments-100k');

    // The parallel coordinates of every shown run: drawn whole (the frame holds all 100,000).
    await page.getByTestId('plot-button').click();
    const plot = page.getByTestId('parallel-coordinates');
    await expect.poll(() => plot.getAttribute('data-runs'), { timeout: 60_000, interval: 500 }).toBe(String(RUNS));
    await expect(page.getByTestId('pc-legend').textContent()).resolves.toMatch(/^Colour: \S/);
    await expect(page.getByTestId('runs-plot-status').textContent()).resolves.toContain('100,000 shown runs');
    await saveScreenshots(page, SHOTS, 'experiments-100k-plot');
    await page.close();
  });
});
