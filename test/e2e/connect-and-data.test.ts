import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium, newWatchedContext } from '../support/chromium.ts';
import { blanked, signIn, watchForBlanking } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ADMIN_PASSWORD = 'e2e-admin-password';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const SHOTS = process.env.CAIRN_SHOTS; // a folder: also save screenshots there, to look at

/**
 * Connecting and finding (issue 11) on the seeded demo, on a fresh device each time: the home
 * page lists the server's repositories, a missing one says so plainly, the Remote panel gives
 * the git/DVC/MLflow URLs, pipeline outputs from dvc.lock open from the tree, and a signed-out
 * push neither hangs the sync nor blocks signing in.
 */
describe.skipIf(!e2eAvailable())('connecting to a repository and finding all its data, in Chromium', () => {
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

  beforeAll(async () => {
    server = await startTestServer({
      CAIRN_DEMO: '1',
      CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-connect-e2e-'));
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("lists the server's repositories on a fresh device, and says plainly when one does not exist", async () => {
    const page = await freshPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('repo-list-empty').waitFor();
    const demo = page.locator('[data-testid="server-repo"][data-server-repo="demo/segmentation"]');
    await demo.waitFor({ timeout: 30_000 });
    expect(await demo.textContent()).toContain('public');
    await shot(page, 'home-1400-light');

    await page.goto(`${server.url}/nobody/nothing`);
    const error = page.getByTestId('repo-error');
    await error.waitFor({ timeout: 30_000 });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('There is no repository “nobody/nothing”');
    expect(text).toContain('or you have no access to it');
    expect(text).not.toMatch(/HTTP Error/);
    await page.context().close();
  });

  it('opens models/model.pkl and data/prepared, pipeline outputs of dvc.lock, from the tree', async () => {
    const page = await freshPage();
    await page.goto(`${server.url}/demo/segmentation/tree/main/models`);
    await page.getByTestId('entry-list').waitFor({ timeout: 60_000 });
    const model = page.locator('[data-testid="entry"]', { hasText: 'model.pkl' });
    await model.waitFor();
    expect(await model.textContent()).toMatch(/pipeline.*\d+(\.\d+)? (B|kB|MB)/);
    await model.click();
    await page.waitForURL('**/demo/segmentation/blob/main/models/model.pkl');
    const file = page.getByTestId('file');
    await file.waitFor();
    expect(await file.locator('.file-header').textContent()).toContain('output of pipeline stage “train” (dvc.lock)');
    // The bytes come from the DVC remote, then from this device: the viewer shows them.
    await page.getByTestId('binary-viewer').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('data-missing').count()).toBe(0);
    await shot(page, 'model-pkl-1400-light');

    await page.goto(`${server.url}/demo/segmentation/tree/main/data/prepared`);
    await page.getByTestId('data-banner').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('data-banner').textContent()).toContain(
      'Output of pipeline stage “prepare” in dvc.lock',
    );
    // The banner comes from dvc.lock; the listing from the output's .dir manifest, a moment later.
    await expect
      .poll(() => page.$$eval('[data-testid="entry"] .entry-name', (els) => els.map((e) => e.textContent)), {
        timeout: 60_000,
      })
      .toEqual(['train.csv', 'val.csv']);
    await page.locator('[data-testid="entry"]', { hasText: 'val.csv' }).click();
    await page.waitForURL('**/data/prepared/val.csv');
    await page.getByText('image_id').first().waitFor({ timeout: 60_000 });
    await page.context().close();
  });

  it("a file page: line anchors, Download, and a History of that file's commits only", async () => {
    const page = await freshPage(390, 'dark');
    await page.goto(`${server.url}/demo/segmentation/blob/main/params.yml#L3-L5`);
    const mark = page.getByTestId('line-mark');
    await mark.waitFor({ timeout: 60_000 });
    const gutter = page.locator('.code-gutter a');
    const [l3, l5] = [await gutter.nth(2).boundingBox(), await gutter.nth(4).boundingBox()];
    const box = await mark.boundingBox();
    // The mark covers lines 3 to 5, no more.
    expect(box && l3 && l5 && Math.abs(box.y - l3.y) < 4 && Math.abs(box.y + box.height - (l5.y + l5.height)) < 4).toBe(
      true,
    );
    await page.locator('#L2').click();
    expect(new URL(page.url()).hash).toBe('#L2');
    await page.locator('#L4').click({ modifiers: ['Shift'] });
    expect(new URL(page.url()).hash).toBe('#L2-L4');
    await shot(page, 'blob-390-dark');
    const download = page.waitForEvent('download');
    await page.getByTestId('file-download').click();
    expect((await download).suggestedFilename()).toBe('params.yml');

    // The History page's shallow-clone check loads a chunk of its own: slowed here, the list is
    // shown before it answers, which once blanked the page (the blank guard fails the test).
    await page.route('**/assets/remote-sync-*.js', async (route) => {
      await new Promise((r) => setTimeout(r, 800));
      await route.continue();
    });
    await page.getByTestId('browser-history').click();
    await page.waitForURL('**/commits/main?path=params.yml');
    await page.getByTestId('commit-row').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('history-scope').textContent()).toContain('that changed params.yml');
    const fileCommits = await page.getByTestId('commit-row').count();
    await page.goto(`${server.url}/demo/segmentation/commits/main`);
    await page.getByTestId('commit-row').first().waitFor({ timeout: 30_000 });
    expect(fileCommits).toBeGreaterThan(0);
    expect(fileCommits).toBeLessThan(await page.getByTestId('commit-row').count());
    await page.context().close();
  });

  it('a CSV sorts by a column, filters rows and right-aligns numbers', async () => {
    const page = await freshPage(1400, 'light');
    await page.goto(`${server.url}/demo/segmentation/blob/main/metrics.csv`);
    const filter = page.getByTestId('csv-filter');
    await expect.poll(() => filter.isEnabled(), { timeout: 60_000 }).toBe(true);
    const total = Number(
      ((await page.getByTestId('csv-rows').textContent()) ?? '').match(/^([\d,]+) rows/)?.[1]?.replace(/,/g, ''),
    );
    expect(total).toBeGreaterThan(10);
    await page.getByLabel('Filter rows').fill('val_iou');
    await expect.poll(() => page.getByTestId('csv-rows').textContent()).toMatch(/^\d+ of [\d,]+ rows/);
    const names = await page.$$eval('.csv-row[data-row] span:nth-child(2)', (els) => els.map((e) => e.textContent));
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set(['val_iou']));
    // Sort by Value, highest first: the first row holds the largest value.
    const value = page.locator('.csv-head [data-sort]').nth(1);
    await value.getByRole('button').click();
    await value.getByRole('button').click();
    await expect.poll(() => value.getAttribute('data-sort')).toBe('descending');
    await expect
      .poll(async () => {
        const values = await page.$$eval('.csv-row[data-row] span:nth-child(3)', (els) =>
          els.map((e) => Number(e.textContent)),
        );
        return values.length > 1 && values.every((v, i) => i === 0 || (values[i - 1] as number) >= v);
      })
      .toBe(true);
    const cell = page.locator('.csv-row[data-row] span:nth-child(3)').first();
    expect(await cell.evaluate((e) => getComputedStyle(e).textAlign)).toBe('right');
    await shot(page, 'csv-1400-light');
    await page.context().close();
  });

  it("shows the repository's git, DVC and MLflow URLs in its Remote panel", async () => {
    for (const [width, scheme] of [
      [1400, 'light'],
      [390, 'dark'],
    ] as const) {
      const page = await freshPage(width, scheme);
      await page.goto(`${server.url}/demo/segmentation`);
      await page.getByTestId('entry-list').waitFor({ timeout: 60_000 });
      await page.getByTestId('remote-panel').locator('summary').click();
      const git = page.getByTestId('remote-git');
      await git.waitFor();
      const base = `${server.url}/demo/segmentation`;
      expect(await git.inputValue()).toBe(`${base}.git`);
      const dvc = await page.getByTestId('remote-dvc').inputValue();
      expect(dvc).toContain(`dvc remote add -d origin ${base}.dvc`);
      expect(dvc).toContain('dvc remote modify origin --local auth basic');
      expect(dvc).toContain('dvc remote modify origin --local user ');
      expect(dvc).toContain('dvc remote modify origin --local password ');
      expect(await page.getByTestId('remote-mlflow').inputValue()).toContain(`MLFLOW_TRACKING_URI=${base}.mlflow`);
      expect(await page.getByLabel('Git clone URL', { exact: true }).isVisible()).toBe(true);
      const box = await page.locator('.remote-body').boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= width).toBe(true);
      await shot(page, `remote-${width}-${scheme}`);
      await page.context().close();
    }
  });

  it('a signed-out push never hangs at Syncing and never blocks signing in', async () => {
    const page = await freshPage();
    const challenged: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 401 && r.headers()['www-authenticate']) challenged.push(r.url());
    });
    await page.goto(`${server.url}/demo/segmentation/add-data`);
    // Told before committing that this work cannot be pushed.
    await page.getByTestId('push-access').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('push-access').textContent()).toContain('not signed in');
    const file = path.join(tmp, 'notes.txt');
    fs.writeFileSync(file, 'field notes\n');
    await page.getByTestId('pick-files').setInputFiles(file);
    await page.getByTestId('add-message').fill('Add notes while signed out');
    await page.getByTestId('add-submit').click();
    await page.getByTestId('add-done').waitFor({ timeout: 60_000 });
    // The sync ends (it needs a sign-in) instead of sitting at "Syncing… 0%".
    await expect
      .poll(() => page.getByTestId('connectivity').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('needs-attention');
    expect(challenged).toEqual([]); // no answer the browser would turn into its own password dialog

    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);

    // The header names the user; their account page creates, lists and revokes access tokens.
    await expect.poll(() => page.getByTestId('sign-in-link').textContent()).toBe('admin');
    await page.getByTestId('sign-in-link').click();
    await page.getByTestId('account-name').waitFor();
    // The page stays while the token list is read again (watchForBlanking says why).
    await watchForBlanking(page);
    await page.getByLabel("New token's name").fill('laptop dvc');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByTestId('token-secret');
    await secret.waitFor();
    const token = await secret.inputValue();
    const asDvc = { Authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` };
    expect(
      (await fetch(`${server.url}/demo/segmentation.git/info/refs?service=git-receive-pack`, { headers: asDvc }))
        .status,
    ).toBe(200);
    const row = page.locator('[data-testid="token-row"][data-token="laptop dvc"]');
    await row.waitFor();
    await shot(page, 'account-1400-light');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await blanked(page)).toEqual([]);
    expect(
      (await fetch(`${server.url}/demo/segmentation.git/info/refs?service=git-receive-pack`, { headers: asDvc }))
        .status,
    ).toBe(401);
    await page.context().close();
  });
});
