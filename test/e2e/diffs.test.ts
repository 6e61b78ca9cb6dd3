/**
 * Diffs in Chromium: a repository made with the git CLI (a Python file edited in place, a
 * notebook whose cell ids were all regenerated with one cell changed, a CSV with a key column
 * and a new column, a renamed file, a changed binary) is pushed to the real server and cloned
 * in the app. On the commit page each file opens its diff in place; the URL brings the opened
 * file and the view options back after a reload, and offline.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { blanked, cloneInApp, watchForBlanking } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'diffs-admin-token-0123456789abcdef';

const TRAIN_BEFORE = `import numpy as np\n\n${Array.from({ length: 30 }, (_, i) => `step_${i} = ${i}\n`).join('')}\ndef train(rate):\n    learning_rate = 0.01\n    return rate * learning_rate\n`;
const TRAIN_AFTER = TRAIN_BEFORE.replace('learning_rate = 0.01', 'learning_rate = 0.05').replace('step_3 = 3\n', '');

function notebook(cells: { id: string; source: string; out?: string }[]): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { language_info: { name: 'python' } },
      cells: cells.map((c, i) => ({
        cell_type: 'code',
        id: c.id,
        metadata: {},
        execution_count: i + 1,
        source: c.source,
        outputs: c.out ? [{ output_type: 'stream', name: 'stdout', text: c.out }] : [],
      })),
    },
    null,
    1,
  );
}
const dvcPointer = (md5: string, size: number, nfiles: number) =>
  `outs:\n- md5: ${md5}\n  size: ${size}\n  nfiles: ${nfiles}\n  hash: md5\n  path: images\n`;

const NB_CELLS = [
  { source: 'import pandas as pd' },
  { source: 'df = pd.read_csv("data.csv")' },
  { source: 'print(len(df))', out: '100\n' },
  { source: 'model = fit(df, alpha=0.1)' },
];

describe.skipIf(!e2eAvailable())('diffs on the commit page in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;
  let page: Page;
  let commitUrl: string;
  let compareUrl: string;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-diffs-e2e-'));
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'diffs', private: false }),
    });
    expect(created.status).toBe(201);
    const work = path.join(tmp, 'work');
    fs.mkdirSync(path.join(work, 'src'), { recursive: true });
    const git = (...args: string[]) =>
      run('git', ['-C', work, '-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args]);
    const write = (file: string, content: string | Buffer) => fs.writeFileSync(path.join(work, file), content);
    await git('init', '-q', '-b', 'main');
    write('src/train.py', TRAIN_BEFORE);
    write('analysis.ipynb', notebook(NB_CELLS.map((c, i) => ({ ...c, id: `old-${i}` }))));
    write('scores.csv', 'id,name,score\n1,ada,0.50\n2,bob,0.70\n3,cy,0.90\n4,dee,0.40\n');
    write('src/utils.py', `${Array.from({ length: 20 }, (_, i) => `def helper_${i}():\n    return ${i}\n`).join('')}`);
    write('model.bin', Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]));
    write('images.dvc', dvcPointer('0123456789abcdef0123456789abcdef.dir', 2048, 4));
    await git('add', '-A');
    await git('commit', '-q', '-m', 'First version');
    write('src/train.py', TRAIN_AFTER);
    // A papermill-style re-run: every id regenerated, one cell changed.
    write(
      'analysis.ipynb',
      notebook(
        NB_CELLS.map((c, i) => ({
          ...c,
          id: `new-${i}`,
          ...(i === 3 ? { source: 'model = fit(df, alpha=0.5)' } : {}),
        })),
      ),
    );
    write('scores.csv', 'id,name,score,rank\n1,ada,0.50,3\n2,bob,0.75,2\n4,dee,0.40,4\n5,eve,0.95,1\n');
    await git('mv', 'src/utils.py', 'src/helpers.py');
    fs.appendFileSync(path.join(work, 'src/helpers.py'), 'def helper_new():\n    return -1\n');
    write('model.bin', Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    write('images.dvc', dvcPointer('fedcba9876543210fedcba9876543210.dir', 3072, 5));
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Tune and rerun');
    const { stdout: sha } = await run('git', ['-C', work, 'rev-parse', 'HEAD']);
    const host = new URL(server.url).host;
    await git('push', '-q', `http://admin:${ADMIN_TOKEN}@${host}/admin/diffs.git`, 'main');

    page = await chrome.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await cloneInApp(page, server.url, 'admin/diffs');
    commitUrl = `${server.url}/admin/diffs/commit/${sha.trim()}`;
    const { stdout: parent } = await run('git', ['-C', work, 'rev-parse', 'HEAD~1']);
    compareUrl = `${server.url}/admin/diffs/compare/${parent.trim()}...${sha.trim()}`;
  }, 120_000);
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const fileDiff = (p: string) => page.locator(`[data-testid="file-diff"][data-path="${p}"]`);

  it('lists the changed files, with the moved file as one rename', async () => {
    await page.goto(commitUrl);
    const rows = page.getByTestId('change-row');
    await expect
      .poll(() => rows.allTextContents(), { timeout: 30_000 })
      .toEqual([
        '▸Manalysis.ipynb',
        '▸Mimages.dvc',
        '▸Mmodel.bin',
        '▸Mscores.csv',
        '▸Rsrc/utils.py → src/helpers.py',
        '▸Msrc/train.py',
      ]);
  });

  it('opens a text diff in place: the removed line red, the added line green, the changed word marked', async () => {
    const train = fileDiff('src/train.py');
    await train.getByTestId('change-row').click();
    const table = train.getByTestId('text-diff');
    await table.waitFor({ timeout: 30_000 });
    const del = table.locator('tr[data-kind="del"]');
    const add = table.locator('tr[data-kind="add"]');
    expect(await del.allTextContents()).toEqual(['6-step_3 = 3', '35-    learning_rate = 0.01']);
    expect(await add.allTextContents()).toEqual(['34+    learning_rate = 0.05']);
    expect(await add.locator('mark.word').allTextContents()).toEqual(['05']);
    const colour = (l: typeof del) =>
      l
        .first()
        .locator('td.code')
        .evaluate((td) => getComputedStyle(td).backgroundColor);
    expect(await colour(del)).toBe('rgb(255, 235, 233)');
    expect(await colour(add)).toBe('rgb(218, 251, 225)');
    // Unchanged lines between the two changes are folded, and open on click.
    const before = await table.locator('tr.diff-line').count();
    await table.getByTestId('diff-unfold').first().click();
    await expect.poll(() => table.locator('tr.diff-line').count()).toBeGreaterThan(before);
  });

  it('shows the split view side by side, and the URL brings back the opened file and the view', async () => {
    await page.getByTestId('layout-split').click();
    await expect.poll(() => page.url()).toContain('diff=split');
    const table = fileDiff('src/train.py').getByTestId('text-diff');
    await expect.poll(() => table.getAttribute('data-layout')).toBe('split');
    const rowWithBoth = table
      .locator('tr.diff-line', { has: page.locator('td[data-kind="del"]') })
      .filter({ has: page.locator('td[data-kind="add"]') });
    expect(await rowWithBoth.locator('td.code').allTextContents()).toEqual([
      '    learning_rate = 0.01',
      '    learning_rate = 0.05',
    ]);
    expect(page.url()).toMatch(/#diff-[0-9a-f]{16}$/);
    await page.reload();
    const reopened = fileDiff('src/train.py').getByTestId('text-diff');
    await reopened.waitFor({ timeout: 30_000 });
    expect(await reopened.getAttribute('data-layout')).toBe('split');
    expect(await fileDiff('scores.csv').getByTestId('file-diff-body').count()).toBe(0);
  });

  it('reloads to the opened diff offline', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await chrome.context.setOffline(true);
    try {
      await page.reload();
      const table = fileDiff('src/train.py').getByTestId('text-diff');
      await table.waitFor({ timeout: 30_000 });
      expect(await table.locator('td[data-kind="add"]').allTextContents()).toEqual(['    learning_rate = 0.05']);
    } finally {
      await chrome.context.setOffline(false);
    }
  });

  it('matches notebook cells by content when every id was regenerated: one changed cell', async () => {
    await page.goto(commitUrl);
    const nb = fileDiff('analysis.ipynb');
    await nb.getByTestId('change-row').click();
    await nb.getByTestId('notebook-diff').waitFor({ timeout: 30_000 });
    expect(await nb.getByTestId('nb-summary').textContent()).toBe('1 modified, 0 added, 0 removed cells');
    const cell = nb.locator('[data-testid="nb-cell"][data-kind="modified"]');
    expect(await cell.locator('tr[data-kind="del"] td.code').allTextContents()).toEqual(['model = fit(df, alpha=0.1)']);
    expect(await cell.locator('tr[data-kind="add"] td.code').allTextContents()).toEqual(['model = fit(df, alpha=0.5)']);
    expect(await nb.getByTestId('nb-fold').textContent()).toContain('3 unchanged cells');
  });

  it('shows a CSV diff by key column, with the added column and changed cell', async () => {
    const csv = fileDiff('scores.csv');
    await csv.getByTestId('change-row').waitFor({ timeout: 30_000 });
    // The page stays while the diff opens and is computed again by another key (watchForBlanking says why).
    await watchForBlanking(page);
    await csv.getByTestId('change-row').click();
    await csv.getByTestId('table-diff').waitFor({ timeout: 30_000 });
    expect(await csv.getByTestId('table-key').inputValue()).toBe('id');
    expect(await csv.getByTestId('table-summary').textContent()).toMatch(/^1 added, 1 removed, 1 changed rows/);
    expect(await csv.getByTestId('table-columns').textContent()).toContain('columns added: rank');
    const bob = csv.locator('[data-testid="table-row"]', { hasText: 'bob' });
    expect(await bob.getByTestId('cell-changed').textContent()).toBe('0.70 → 0.75');
    expect(await csv.locator('[data-testid="table-row"][data-kind="removed"]').textContent()).toContain('cy');
    expect(await csv.locator('[data-testid="table-row"][data-kind="added"]').textContent()).toContain('eve');
    await csv.getByTestId('table-key').selectOption({ index: 0 });
    await expect.poll(() => csv.getByTestId('table-key').inputValue()).not.toBe('id');
    await csv.getByTestId('table-summary').waitFor();
    expect(await blanked(page)).toEqual([]);
  });

  it('says a binary file is binary, with its sizes, and shows a rename with its diff', async () => {
    await page.goto(commitUrl);
    const bin = fileDiff('model.bin');
    await bin.getByTestId('change-row').click();
    expect(await bin.getByTestId('diff-binary').textContent()).toBe('Binary file not shown (8 B → 12 B).');
    const renamed = fileDiff('src/helpers.py');
    await renamed.getByTestId('change-row').click();
    const table = renamed.getByTestId('text-diff');
    await table.waitFor({ timeout: 30_000 });
    expect(await table.locator('tr[data-kind="add"] td.code').allTextContents()).toEqual([
      'def helper_new():',
      '    return -1',
    ]);
    expect(await table.locator('tr[data-kind="del"]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('opens the same diffs on the compare page (where "compare code" of a run leads)', async () => {
    await page.goto(compareUrl);
    const train = fileDiff('src/train.py');
    await train.getByTestId('change-row').click();
    const table = train.getByTestId('text-diff');
    await table.waitFor({ timeout: 30_000 });
    expect(await table.locator('tr[data-kind="add"] td.code').allTextContents()).toEqual(['    learning_rate = 0.05']);
  });

  it('shows what changed in DVC-tracked data: hashes, sizes, and which file list is not on this device', async () => {
    await page.goto(commitUrl);
    const dvc = fileDiff('images.dvc');
    await dvc.getByTestId('change-row').click();
    const out = dvc.getByTestId('dvc-out');
    await out.waitFor({ timeout: 30_000 });
    expect(await out.locator('.muted').first().textContent()).toBe('01234567 → fedcba98 · 2.0 kB → 3.1 kB (+1.0 kB)');
    await expect
      .poll(() => dvc.getByTestId('dvc-missing').textContent(), { timeout: 30_000 })
      .toBe(
        'The old file list (01234567….dir) is not on this device. The new file list (fedcba98….dir) is not on this device.',
      );
    // The pointer file's own text diff is still there.
    expect(await dvc.locator('tr[data-kind="add"] td.code').allTextContents()).toContain('  size: 3072');
    expect(errors).toEqual([]);
  });
});
