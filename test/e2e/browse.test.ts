import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** A 2×2 red PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

/** A folder of files of every kind the viewers handle. */
function makeSamples(root: string): string {
  const dir = path.join(root, 'samples');
  fs.mkdirSync(path.join(dir, 'nested'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'notes.md'), '# Field notes\n\nSee <script>window.pwned = 1</script> **bold**.\n');
  fs.writeFileSync(path.join(dir, 'table.csv'), 'city,temp\nOslo,3\n"Rio, BR",31\nLima,19\n');
  fs.writeFileSync(path.join(dir, 'train.py'), 'def train(rate):\n    return rate * 2\n');
  fs.writeFileSync(path.join(dir, 'config.json'), '{"lr":0.1,"layers":[1,2]}');
  fs.writeFileSync(path.join(dir, 'plot.png'), PNG);
  fs.writeFileSync(path.join(dir, 'model.bin'), Buffer.from([0x80, 0x04, 0x00, 0x95, 0xff, 0x00]));
  fs.writeFileSync(
    path.join(dir, 'nested', 'analysis.ipynb'),
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { language_info: { name: 'python' } },
      cells: [
        { cell_type: 'markdown', id: 'a', metadata: {}, source: ['## Results\n'] },
        {
          cell_type: 'code',
          id: 'b',
          metadata: {},
          execution_count: 1,
          source: ['print(6 * 7)'],
          outputs: [
            { output_type: 'stream', name: 'stdout', text: ['42\n'] },
            {
              output_type: 'display_data',
              metadata: {},
              data: { 'image/png': PNG.toString('base64'), 'text/plain': 'fig' },
            },
            {
              output_type: 'display_data',
              metadata: {},
              data: { 'text/html': '<b>bold</b><img src=x onerror="window.pwned=2">' },
            },
          ],
        },
      ],
    }),
  );
  return dir;
}

async function entryNames(page: Page): Promise<string[]> {
  const entries = page.getByTestId('entry');
  await entries.first().waitFor({ timeout: 30_000 });
  return page.$$eval('[data-testid="entry"] .entry-name', (els) => els.map((e) => e.textContent ?? ''));
}

describe.skipIf(!e2eAvailable())('browsing a repository in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer();
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-browse-'));
    page = await chrome.context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
    base = `${server.url}/local/browse`;
    // A repository made in the browser, with a folder of data added and committed.
    await page.goto(`${server.url}/`);
    // Deep links are answered by the service worker's app-shell fallback (the server itself
    // answers 404 for a first visit to a URL ending in a file extension such as `.csv`).
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await page.getByTestId('new-repo-name').fill('browse');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(base);
    await page.goto(`${base}/add-data`);
    await page.getByTestId('pick-folder').setInputFiles(makeSamples(tmp));
    await page.getByTestId('add-message').fill('Add samples');
    await page.getByTestId('add-submit').click();
    await page.getByTestId('add-done').waitFor({ timeout: 60_000 });
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists tracked data beside its pointer, and the folder from its manifest', async () => {
    await page.goto(base);
    // Listings change in place after a click (the old one stays until the new one is ready): poll.
    await expect.poll(() => entryNames(page), { timeout: 30_000 }).toContain('data');
    await page.locator('[data-testid="entry"]', { hasText: 'data' }).first().click();
    await page.waitForURL(/\/local\/browse\/tree\/[^/]+\/data$/);
    await expect.poll(() => entryNames(page)).toEqual(expect.arrayContaining(['samples', 'samples.dvc']));
    const samples = page.locator('[data-testid="entry"][data-source="dvc"]', { hasText: 'samples' });
    expect(await samples.textContent()).toMatch(/7 files/);

    await samples.click();
    await page.waitForURL(/\/tree\/[^/]+\/data\/samples$/);
    await expect
      .poll(() => entryNames(page))
      .toEqual(['nested', 'config.json', 'model.bin', 'notes.md', 'plot.png', 'table.csv', 'train.py']);
    await expect.poll(() => page.getByTestId('breadcrumbs').textContent()).toBe('browse/data/samples');
  });

  it('opens files of each kind in their viewer, and a deep link reloads to the same view', async () => {
    const rev = 'HEAD';
    const blob = (p: string) => `${base}/blob/${rev}/data/samples/${p}`;

    await page.goto(blob('table.csv'));
    await expect.poll(() => page.getByTestId('csv-rows').textContent(), { timeout: 30_000 }).toBe('3 rows × 2 columns');
    await expect.poll(() => page.getByTestId('csv-viewer').textContent()).toContain('Rio, BR');
    await page.reload();
    await expect.poll(() => page.getByTestId('csv-rows').textContent(), { timeout: 30_000 }).toBe('3 rows × 2 columns');
    expect(page.url()).toBe(blob('table.csv'));

    await page.goto(blob('notes.md'));
    await page.getByTestId('markdown-viewer').waitFor();
    expect(await page.getByTestId('markdown-viewer').innerHTML()).toContain('<h1>Field notes</h1>');
    expect(await page.getByTestId('markdown-viewer').innerHTML()).not.toContain('<script');

    await page.goto(blob('train.py'));
    await page.locator('[data-testid="code-viewer"] .hljs-keyword').first().waitFor();
    expect(await page.getByTestId('code-viewer').textContent()).toContain('return rate * 2');

    await page.goto(blob('config.json'));
    await page.getByTestId('json-viewer').waitFor();
    expect(await page.getByTestId('json-viewer').textContent()).toContain('"layers": [');

    await page.goto(blob('plot.png'));
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="image-viewer"] img') as HTMLImageElement | null)?.naturalWidth === 2,
    );

    await page.goto(blob('model.bin'));
    expect(await page.getByTestId('binary-viewer').textContent()).toContain('binary file (6 B)');

    await page.goto(blob('nested/analysis.ipynb'));
    await page.getByTestId('notebook-viewer').waitFor();
    await expect.poll(() => page.getByTestId('notebook-viewer').textContent()).toContain('42');
    expect(await page.locator('[data-testid="notebook-viewer"] h2').textContent()).toBe('Results');
    expect(await page.locator('[data-testid="notebook-viewer"] img.nb-image').count()).toBe(1);
    expect(await page.locator('.nb-html b').textContent()).toBe('bold');
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();

    // The pointer itself is a git file, shown as code.
    await page.goto(`${base}/blob/${rev}/data/samples.dvc`);
    await expect.poll(() => page.getByTestId('code-viewer').textContent()).toContain('nfiles: 7');
  });

  it('moves through a listing with the keyboard', async () => {
    await page.goto(`${base}/tree/HEAD/data`);
    await page.getByTestId('entry').first().waitFor();
    await page.keyboard.press('j'); // ".."
    await page.keyboard.press('j'); // "samples"
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tree\/HEAD\/data\/samples$/);
    await page.getByTestId('entry').first().waitFor();
    await page.keyboard.press('Backspace');
    await page.waitForURL(/\/tree\/HEAD\/data$/);
  });

  it('shows the history with changed-file counts and a commit with its files', async () => {
    await page.goto(`${base}/commits/HEAD`);
    const row = page.locator('[data-testid="commit-row"]', { hasText: 'Add samples' });
    await row.waitFor({ timeout: 30_000 });
    const count = Number.parseInt((await row.getByTestId('changed-files').textContent()) ?? '', 10);
    expect(count).toBeGreaterThanOrEqual(2); // the pointer and .gitignore at least
    await row.click();
    await page.waitForURL(/\/commit\/[0-9a-f]{40}$/);
    await page.getByTestId('change-row').first().waitFor();
    const changes = await page.getByTestId('change-row').allTextContents();
    expect(changes.length).toBe(count);
    expect(changes.join(' ')).toContain('data/samples.dvc');
    await page.reload();
    await expect.poll(() => page.getByTestId('commit-summary').textContent()).toBe('Add samples');
  });

  it('compares two revisions: the files between them, a reloadable URL, a clear error for a bad range', async () => {
    await page.goto(`${base}/commits/HEAD`);
    const row = page.locator('[data-testid="commit-row"]', { hasText: 'Add samples' });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.waitForURL(/\/commit\/[0-9a-f]{40}$/);
    await page.getByTestId('change-row').first().waitFor();
    const sha = (await page.getByTestId('commit-sha').textContent()) ?? '';
    const commitChanges = await page.getByTestId('change-row').allTextContents();
    const parent = await page.locator('.commit-header a[href*="/commit/"]').first().getAttribute('href');
    const parentSha = parent?.split('/').pop() ?? '';
    expect(parentSha).toMatch(/^[0-9a-f]{40}$/);

    // The commit compared with its parent lists exactly the commit's own changes.
    await page.goto(`${base}/compare/${parentSha}...${sha}`);
    await page.getByTestId('change-row').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('change-row').allTextContents()).toEqual(commitChanges);
    await page.reload();
    await page.getByTestId('change-row').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('compare-summary').textContent()).toBe(`${commitChanges.length} changed files`);

    await page.goto(`${base}/compare/${sha}...${sha}`);
    await expect.poll(() => page.getByTestId('compare-summary').textContent()).toBe('No files differ.');
    await page.goto(`${base}/compare/main...no-such-branch`);
    await expect.poll(() => page.getByTestId('compare-error').textContent()).toContain('no-such-branch');
  });

  it('says a tracked file is not on this device when its data is missing and the device is offline', async () => {
    // Drop the data cache's objects for this file, then open it offline.
    await page.goto(`${base}/tree/HEAD/data/samples`);
    await page.getByTestId('entry').first().waitFor();
    await page.evaluate(async () => {
      const open = indexedDB.open('cairn');
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const names = [...db.objectStoreNames];
      const tx = db.transaction(names, 'readwrite');
      for (const n of names.filter((n) => ['objects', 'blobs', 'chunks'].includes(n))) tx.objectStore(n).clear();
      await new Promise((r) => {
        tx.oncomplete = r;
      });
      db.close();
    });
    await chrome.context.setOffline(true);
    try {
      // Navigate inside the app (no reload): the listing is still known, the bytes are not here.
      await page.locator('[data-testid="entry"]', { hasText: 'train.py' }).click();
      await page.getByTestId('data-missing').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('data-missing').textContent()).toMatch(/not on this device.*offline/);
    } finally {
      await chrome.context.setOffline(false);
    }
  });
});
