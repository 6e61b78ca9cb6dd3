/**
 * Run and comparison notes in real Chromium against the real server. A person writes a run's
 * note and finds its first line in the experiments table's note column; a note typed in another
 * tab shows there without a reload; a filter on the notes leaves only the run it names. Then a
 * comparison of two runs gets a note, which the Notes tab lists as a comparison linking back to
 * that exact compare view, and "Save notes to the repository" writes it with front matter naming
 * the compared runs (checked with the git CLI). Setup as in notes-live.test.ts.
 * Set CAIRN_SHOTS=DIR to also save screenshots (1400 and 390 px, light and dark).
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { createRepo } from '../support/create-repo.ts';
import { saveScreenshots, signIn } from '../support/e2e-page.ts';
import { postJson } from '../support/post-json.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'cairn_notes_runs_admin_token_01';
const ADMIN_PASSWORD = 'notes-runs-admin-pw';
const REPO = 'admin/noteruns';
const SHOTS = process.env.CAIRN_SHOTS;

describe.skipIf(!e2eAvailable())('run and comparison notes', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let context: BrowserContext;
  const runs: Record<string, string> = {};

  const api = (p: string, body: unknown) => postJson(server.url, ADMIN_TOKEN, p, body);

  const typeNote = async (page: Page, lines: string[]) => {
    const input = page.getByTestId('note-panel').getByTestId('note-input');
    await input.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.getByTestId('note-panel').getByTestId('note-status').textContent(), { timeout: 20_000 })
      .toBe('Live');
    await input.click();
    await page.keyboard.press('Control+End');
    for (const [i, line] of lines.entries()) {
      if (i > 0) await page.keyboard.press('Enter');
      await page.keyboard.type(line, { delay: 5 });
    }
  };
  const noteCell = (page: Page, name: string) =>
    page.getByTestId('run-row').filter({ hasText: name }).locator('[data-col="attr:note"]');
  const shownNames = (page: Page) =>
    page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.querySelector('.exp-name a')?.textContent));

  const screenshot = (page: Page, name: string) => saveScreenshots(page, SHOTS, name);

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD, CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    expect((await createRepo(server.url, ADMIN_TOKEN, { name: 'noteruns', private: false })).status).toBe(201);
    const mlflow = `/${REPO}.mlflow/api/2.0/mlflow`;
    const exp = await api(`${mlflow}/experiments/create`, { name: 'seg' });
    const t0 = Date.now() - 60_000;
    const logged = [
      ['unet-baseline', 0.71],
      ['unet-wide', 0.74],
      ['unet-small', 0.66],
    ] as const;
    for (const [i, [name, iou]] of logged.entries()) {
      const t = t0 + i * 1000;
      const created = (await api(`${mlflow}/runs/create`, {
        experiment_id: exp.experiment_id,
        run_name: name,
        start_time: t,
      })) as { run: { info: { run_id: string } } };
      const id = created.run.info.run_id;
      runs[name] = id;
      await api(`${mlflow}/runs/log-batch`, {
        run_id: id,
        metrics: [{ key: 'val_iou', value: iou, timestamp: t, step: 1 }],
        params: [{ key: 'width', value: name === 'unet-wide' ? '128' : '64' }],
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

  it("shows a run's note in the table, live from another tab, and filters on it", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/${REPO}/experiments/runs/${runs['unet-baseline']}`);
    await typeNote(page, ['# Baseline with heavy augmentation', 'lr 3e-4, 40 epochs']);

    await page.goto(`${server.url}/${REPO}/experiments`);
    await expect.poll(() => page.getByTestId('runs-status').textContent(), { timeout: 30_000 }).toMatch(/^3 of 3 runs/);
    // The note column is shown (a run has a note), with the note's first line, heading marks gone.
    await expect
      .poll(() => noteCell(page, 'unet-baseline').textContent(), { timeout: 20_000 })
      .toBe('Baseline with heavy augmentation');
    expect(await noteCell(page, 'unet-wide').textContent()).toBe('');
    expect(await page.locator('.exp-head [data-col="attr:note"] .exp-head-name').textContent()).toBe('note');

    // Another tab writes another run's note: this table follows without a reload.
    const other = await context.newPage();
    await other.goto(`${server.url}/${REPO}/experiments/runs/${runs['unet-wide']}`);
    await typeNote(other, ['Wider decoder: beats the baseline on val_iou']);
    await expect
      .poll(() => noteCell(page, 'unet-wide').textContent(), { timeout: 20_000 })
      .toBe('Wider decoder: beats the baseline on val_iou');
    await other.close();
    await screenshot(page, 'experiments-note-column');

    // A filter on the notes' text: only the run whose note says it.
    await page.getByTestId('run-filter').fill("note ILIKE '%augmentation%'");
    await page.getByTestId('run-filter').press('Enter');
    await expect.poll(() => page.getByTestId('runs-status').textContent(), { timeout: 10_000 }).toMatch(/^1 of 3 runs/);
    expect(await shownNames(page)).toEqual(['unet-baseline']);
    // Both noted runs, then the run nobody wrote about.
    await page.getByTestId('run-filter').fill("note ILIKE '%baseline%'");
    await page.getByTestId('run-filter').press('Enter');
    await expect.poll(() => shownNames(page), { timeout: 10_000 }).toHaveLength(2);
    expect((await shownNames(page)).sort()).toEqual(['unet-baseline', 'unet-wide']);
    await page.getByTestId('run-filter').fill("note = ''");
    await page.getByTestId('run-filter').press('Enter');
    await expect.poll(() => shownNames(page), { timeout: 10_000 }).toEqual(['unet-small']);
    await page.close();
  });

  it('a comparison gets a note, listed in the Notes tab, which leads back to that compare view', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/${REPO}/experiments`);
    await expect.poll(() => page.getByTestId('runs-status').textContent(), { timeout: 30_000 }).toMatch(/^3 of 3 runs/);
    await page.getByLabel('Select unet-baseline').check();
    await page.getByLabel('Select unet-wide').check();
    await page.getByTestId('compare-button').click();
    await page.getByTestId('compare-page').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.getByTestId('compare-page').textContent(), { timeout: 20_000 })
      .toContain('Comparing 2 runs');
    await typeNote(page, ['Width is what moves val_iou', 'unet-wide +0.03 over the baseline']);
    const compareUrl = page.url();
    await screenshot(page, 'compare-note');

    await page.goto(`${server.url}/${REPO}/notes`);
    const row = page.locator('[data-testid="note-row"][data-kind="comparison"]');
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toMatch(/^Comparison/);
    const listed = (await row.textContent()) ?? '';
    expect(listed).toContain('unet-baseline · unet-wide');
    expect(listed).toContain('Width is what moves val_iou');
    await screenshot(page, 'notes-tab-comparison');

    await row.click();
    await page.getByTestId('compare-page').waitFor({ timeout: 20_000 });
    expect(page.url()).toBe(compareUrl);
    await expect
      .poll(() => page.getByTestId('note-panel').getByTestId('note-input').textContent(), { timeout: 20_000 })
      .toContain('Width is what moves val_iou');

    // The long now: saved as a Markdown file whose front matter names the compared runs.
    await page.goto(`${server.url}/${REPO}/notes`);
    await page.getByTestId('notes-save').click();
    await expect
      .poll(() => page.getByTestId('notes-saved').textContent(), { timeout: 60_000 })
      .toMatch(/^Saved 3 notes under notes\/ in commit [0-9a-f]{7}/);
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-notes-runs-clone-'));
    const host = new URL(server.url).host;
    const comparisonFile = async () => {
      fs.rmSync(clone, { recursive: true, force: true });
      await run('git', ['clone', '-q', `http://admin:${ADMIN_TOKEN}@${host}/${REPO}.git`, clone]).catch(() => {});
      const dir = path.join(clone, 'notes', 'comparisons');
      const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      return files.length === 1 ? fs.readFileSync(path.join(dir, files[0] as string), 'utf8') : '';
    };
    const ids = [runs['unet-baseline'], runs['unet-wide']].sort() as [string, string];
    const names = ids.map((id) => (id === runs['unet-baseline'] ? 'unet-baseline' : 'unet-wide'));
    const expected = [
      '---',
      'comparison:',
      `  - ${ids[0]}`,
      `  - ${ids[1]}`,
      'names:',
      `  - ${names[0]}`,
      `  - ${names[1]}`,
      `url: ${new URL(compareUrl).pathname}${new URL(compareUrl).search}`,
      '---',
      '',
      'Width is what moves val_iou',
      'unet-wide +0.03 over the baseline',
      '',
    ].join('\n');
    await expect.poll(comparisonFile, { timeout: 60_000, interval: 2000 }).toBe(expected);
    fs.rmSync(clone, { recursive: true, force: true });
    await page.close();
  });
});
