/**
 * More diffs in Chromium, from a repository made with the git CLI and pushed to the real server:
 * nbdime's multilevel notebook pair (and its cell-id pair, with cells added and removed) shows
 * the changes nbdime expects; a 30,000-row CSV with 1 % of rows changed opens as a virtualised
 * table diff whose last rows are read from the worker when scrolled to; a file copied from
 * another and edited is shown as "copied from"; and the experiments compare page's "Compare
 * code" link for two git-experiment runs opens the code diff between their commits.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { blanked, cloneInApp, watchForBlanking } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'diffs-more-admin-token-0123456789';
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/notebooks');

const ROWS = 30_000;
const csvRow = (r: number, changed: boolean) =>
  `${r},sample_${r},${(r % 97) / 10},${changed ? 'cat' : 'dog'},${(r * 13) % 1000},${r % 7 === 0 ? 'val' : 'train'}`;
const csv = (changedEvery: number | null) =>
  `id,name,score,label,pixels,split\n${Array.from({ length: ROWS }, (_, r) =>
    csvRow(r, changedEvery !== null && r % changedEvery === 42),
  ).join('\n')}\n`;

const CONFIG = `model:\n  width: 64\n  depth: 4\n  dropout: 0.1\ntrain:\n  epochs: 30\n  batch: 128\n  lr: 0.001\n  seed: 7\n`;
const MODEL = Array.from({ length: 40 }, (_, i) => `def layer_${i}(x):\n    return x * ${i}\n`).join('');

describe.skipIf(!e2eAvailable())('notebook, big table and copy diffs in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;
  let page: Page;
  let commitUrl: string;
  let first: string;
  let second: string;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-diffs-more-e2e-'));
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'vision', private: false }),
    });
    expect(created.status).toBe(201);
    const work = path.join(tmp, 'work');
    for (const dir of ['src', 'data', 'notebooks', 'configs']) fs.mkdirSync(path.join(work, dir), { recursive: true });
    // Commit times an hour apart, so the two runs have an order.
    let when = '2024-05-01T10:00:00Z';
    const git = (...args: string[]) =>
      run('git', ['-C', work, '-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args], {
        env: { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
      });
    const write = (file: string, content: string) => fs.writeFileSync(path.join(work, file), content);
    const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
    // Each commit is a git experiment (DagsHub logger files), so the experiments page lists two runs.
    const experiment = (i: number) => {
      write('params.yml', `lr: ${(i + 1) / 100}\n`);
      write('metrics.csv', `Name,Value,Timestamp,Step\n"acc",${0.8 + i / 10},${1_700_000_000_000 + i * 1000},1\n`);
    };
    await git('init', '-q', '-b', 'main');
    write('notebooks/multilevel.ipynb', fixture('multilevel-test-base.ipynb'));
    write('notebooks/cellids.ipynb', fixture('cellids--base.ipynb'));
    write('data/samples.csv', csv(null));
    write('src/model.py', MODEL);
    write('configs/base.yaml', CONFIG);
    experiment(0);
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Baseline');
    when = '2024-05-01T11:00:00Z';
    write('notebooks/multilevel.ipynb', fixture('multilevel-test-local.ipynb'));
    write('notebooks/cellids.ipynb', fixture('cellids--local.ipynb'));
    write('data/samples.csv', csv(100));
    // model.py changes one line; model_v2.py starts as a copy of the old model.py with two layers changed.
    write('src/model.py', MODEL.replace('return x * 3\n', 'return x * 3 + 1\n'));
    write(
      'src/model_v2.py',
      MODEL.replace('return x * 7\n', 'return x * 70\n').replace('return x * 8\n', 'return x\n'),
    );
    // configs/base.yaml stays as it is; large.yaml copies it with two values changed.
    write('configs/large.yaml', CONFIG.replace('width: 64', 'width: 256').replace('depth: 4', 'depth: 12'));
    experiment(1);
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Relabel samples, model v2');
    first = (await run('git', ['-C', work, 'rev-parse', 'HEAD~1'])).stdout.trim();
    second = (await run('git', ['-C', work, 'rev-parse', 'HEAD'])).stdout.trim();
    const host = new URL(server.url).host;
    await git('push', '-q', `http://admin:${ADMIN_TOKEN}@${host}/admin/vision.git`, 'main');

    page = await chrome.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await cloneInApp(page, server.url, 'admin/vision');
    commitUrl = `${server.url}/admin/vision/commit/${second}`;
  }, 120_000);
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const fileDiff = (p: string) => page.locator(`[data-testid="file-diff"][data-path="${p}"]`);
  const codeLines = (scope: ReturnType<Page['locator']>, kind: 'add' | 'del') =>
    scope.locator(`tr[data-kind="${kind}"] td.code`).allTextContents();

  it("shows nbdime's multilevel pair: x = 3 → x = 5 in one cell, the output 9 → 25 in the next, nothing else", async () => {
    await page.goto(commitUrl);
    const nb = fileDiff('notebooks/multilevel.ipynb');
    await nb.getByTestId('change-row').click();
    await nb.getByTestId('notebook-diff').waitFor({ timeout: 30_000 });
    expect(await nb.getByTestId('nb-summary').textContent()).toBe('2 modified, 0 added, 0 removed cells');
    const cells = nb.locator('[data-testid="nb-cell"][data-kind="modified"]');
    expect(await cells.count()).toBe(2);
    expect(await codeLines(cells.nth(0), 'del')).toEqual(['x = 3']);
    expect(await codeLines(cells.nth(0), 'add')).toEqual(['x = 5']);
    expect(await cells.nth(0).getByTestId('nb-outputs').count()).toBe(0);
    // The f(x) cell's source is the same (shown plainly); its output changed.
    expect(await cells.nth(1).getByTestId('nb-source-same').textContent()).toBe('f(x)');
    expect(await cells.nth(1).locator('tr[data-kind="del"], tr[data-kind="add"]').count()).toBe(2);
    const outputs = cells.nth(1).getByTestId('nb-outputs');
    expect(await codeLines(outputs, 'del')).toEqual(['9']);
    expect(await codeLines(outputs, 'add')).toEqual(['25']);
    expect(await nb.getByTestId('nb-fold').allTextContents()).toEqual(['↕ 1 unchanged cell', '↕ 3 unchanged cells']);
  });

  it('shows the cell-id pair with the cells whose ids changed as removed and added', async () => {
    const nb = fileDiff('notebooks/cellids.ipynb');
    await nb.getByTestId('change-row').click();
    await nb.getByTestId('notebook-diff').waitFor({ timeout: 30_000 });
    expect(await nb.getByTestId('nb-summary').textContent()).toBe('2 modified, 3 added, 3 removed cells');
    const text = (kind: string) => nb.locator(`[data-testid="nb-cell"][data-kind="${kind}"] td.code`).allTextContents();
    expect((await text('removed')).filter(Boolean)).toEqual(['BASE - no ID', 'BASE #2 - with unique ID']);
    expect((await text('added')).filter(Boolean)).toEqual(['LOCAL - with unique ID', 'LOCAL #2 - with unique ID']);
  });

  it('opens a 30,000-row CSV diff on request, draws only the rows in view, and reads the last ones when scrolled to', async () => {
    const table = fileDiff('data/samples.csv');
    await table.getByTestId('change-row').waitFor({ timeout: 30_000 });
    // The page stays while the diff opens and loads (watchForBlanking says why).
    await watchForBlanking(page);
    await table.getByTestId('change-row').click();
    await table.getByTestId('diff-load').click();
    await table.getByTestId('table-diff').waitFor({ timeout: 60_000 });
    await expect
      .poll(() => table.getByTestId('table-summary').textContent(), { timeout: 60_000 })
      .toBe('0 added, 0 removed, 300 changed rows · 29,700 unchanged (30,000 → 30,000 rows)');
    expect(await table.getByTestId('table-key').inputValue()).toBe('id');
    const rows = table.getByTestId('table-row');
    expect(await rows.first().getByTestId('cell-changed').textContent()).toBe('dog → cat');
    expect(await rows.first().locator('td.ln').allTextContents()).toEqual(['43', '43']);
    // Virtualised: 300 changed rows, a screenful (and some) drawn.
    expect(await rows.count()).toBeLessThan(100);
    await table.getByTestId('table-scroll').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    const last = table.locator('[data-testid="table-row"]', { hasText: 'sample_29942' });
    await last.waitFor({ timeout: 30_000 });
    expect(await last.getByTestId('cell-changed').textContent()).toBe('dog → cat');
    expect(await last.locator('td.ln').allTextContents()).toEqual(['29943', '29943']);
    expect(await blanked(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows a file copied from another and edited as "copied from", with only its edits in the diff', async () => {
    const copy = fileDiff('src/model_v2.py');
    await expect
      .poll(
        () =>
          copy
            .getByTestId('copied-from')
            .textContent()
            .catch(() => null),
        { timeout: 30_000 },
      )
      .toBe('copied from src/model.py');
    expect(await copy.locator('.change-kind').textContent()).toBe('C');
    await copy.getByTestId('change-row').click();
    const diff = copy.getByTestId('text-diff');
    await diff.waitFor({ timeout: 30_000 });
    expect(await codeLines(diff, 'del')).toEqual(['    return x * 7', '    return x * 8']);
    expect(await codeLines(diff, 'add')).toEqual(['    return x * 70', '    return x']);
    // The file it was copied from is still listed as modified, with its own one-line change.
    expect(await fileDiff('src/model.py').locator('.change-kind').textContent()).toBe('M');
    // A copy of a file the commit did not touch.
    const config = fileDiff('configs/large.yaml');
    expect(await config.getByTestId('copied-from').textContent()).toBe('copied from configs/base.yaml');
    await config.getByTestId('change-row').click();
    const configDiff = config.getByTestId('text-diff');
    await configDiff.waitFor({ timeout: 30_000 });
    expect(await codeLines(configDiff, 'add')).toEqual(['  width: 256', '  depth: 12']);
  });

  it('follows "Compare code" from two git-experiment runs to the code diff between their commits', async () => {
    await page.goto(`${server.url}/admin/vision/experiments`);
    await expect.poll(() => page.getByTestId('runs-status').textContent(), { timeout: 60_000 }).toMatch(/^2 of 2 runs/);
    const boxes = page.getByTestId('run-row').locator('input[type=checkbox]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByTestId('compare-button').click();
    const link = page.getByTestId('compare-code-two');
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    await page.waitForURL(`${server.url}/admin/vision/compare/${first}...${second}`);
    const model = fileDiff('src/model.py');
    await model.getByTestId('change-row').click();
    const diff = model.getByTestId('text-diff');
    await diff.waitFor({ timeout: 30_000 });
    expect(await codeLines(diff, 'del')).toEqual(['    return x * 3']);
    expect(await codeLines(diff, 'add')).toEqual(['    return x * 3 + 1']);
    expect(errors).toEqual([]);
  });
});
