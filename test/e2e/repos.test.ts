import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { cloneInApp, signIn } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_PASSWORD = 'e2e-admin-password';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.skipIf(!e2eAvailable())('repositories from the server in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;

  beforeAll(async () => {
    server = await startTestServer({
      CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
      CAIRN_DEMO: '1',
      // The import below reads from this same server on loopback, which imports refuse by default.
      CAIRN_IMPORT_ALLOW_PRIVATE: '1',
    });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-repos-e2e-'));
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('clones a public repository pushed with plain git and dvc-style data, then deletes the local copy', async () => {
    // A repository made the way a user of git and DVC makes one, pushed with the real CLI.
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'shared-data', private: false }),
    });
    expect(created.status).toBe(201);
    const work = path.join(tmp, 'work');
    fs.mkdirSync(path.join(work, 'data'), { recursive: true });
    const csv = Buffer.from('id,label\n1,cat\n2,dog\n');
    const md5 = crypto.createHash('md5').update(csv).digest('hex');
    fs.writeFileSync(path.join(work, 'README.md'), '# shared data\n');
    fs.writeFileSync(
      path.join(work, 'data', 'table.csv.dvc'),
      `outs:\n- md5: ${md5}\n  size: ${csv.length}\n  hash: md5\n  path: table.csv\n`,
    );
    fs.writeFileSync(path.join(work, 'data', '.gitignore'), '/table.csv\n');
    const git = (...args: string[]) =>
      run('git', ['-C', work, '-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args]);
    await git('init', '-q', '-b', 'main');
    await git('add', '.');
    await git('commit', '-q', '-m', 'Track the table with DVC');
    const host = new URL(server.url).host;
    await git('push', '-q', `http://admin:${ADMIN_TOKEN}@${host}/admin/shared-data.git`, 'main');
    const put = await fetch(`${server.url}/admin/shared-data.dvc/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`, {
      method: 'PUT',
      headers: auth,
      body: csv,
    });
    expect(put.ok).toBe(true);

    const page = await chrome.context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await cloneInApp(page, server.url, 'admin/shared-data');
    const entries = page.getByTestId('entry');
    await entries.first().waitFor({ timeout: 30_000 });
    const names = (await entries.allTextContents()).join(' ');
    expect(names).toContain('README.md');
    expect(names).toContain('data');

    await page.goto(`${server.url}/`);
    const item = page.locator('[data-repo="admin/shared-data"]');
    await expect.poll(() => item.getByTestId('repo-sync-state').textContent()).toBe('Up to date');
    // How much room its git files take on this device is shown beside it.
    await expect.poll(() => item.getByTestId('repo-usage').textContent()).toMatch(/^\d+(\.\d)? (B|KB|MB)$/);

    // The data behind the pointers comes on request, verified, and only what is missing.
    await item.getByRole('button', { name: 'Download data' }).click();
    await expect
      .poll(() => page.getByTestId('repo-notice').textContent(), { timeout: 30_000 })
      .toBe('Downloaded 1 data objects of admin/shared-data.');
    await item.getByRole('button', { name: 'Download data' }).click();
    await expect
      .poll(() => page.getByTestId('repo-notice').textContent(), { timeout: 30_000 })
      .toBe('All data of admin/shared-data is on this device.');

    await item.getByRole('button', { name: 'Delete local copy' }).click();
    await expect.poll(() => page.locator('[data-repo="admin/shared-data"]').count()).toBe(0);
    await page.reload();
    expect(await page.locator('[data-repo="admin/shared-data"]').count()).toBe(0);

    // The server's copy is untouched by deleting the local one.
    const still = await fetch(`${server.url}/admin/shared-data.git/info/refs?service=git-upload-pack`);
    expect(still.status).toBe(200);
    await page.close();
  });

  it('asks the server to import a repository from a git URL, kept in step, and clones it here', async () => {
    const page = await chrome.context.newPage();
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    // The source: the public repository of the first test, served over plain http.
    await page.getByPlaceholder('https://github.com/owner/repo.git').fill(`${server.url}/admin/shared-data.git`);
    await page.getByPlaceholder('name on this server').fill('imported-data');
    await page.getByLabel('Keep in step with the source').check();
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(`${server.url}/admin/imported-data`, { timeout: 60_000 });
    await page.getByTestId('entry').first().waitFor({ timeout: 30_000 });
    expect((await page.getByTestId('entry').allTextContents()).join(' ')).toContain('README.md');
    const info = await fetch(`${server.url}/api/v1/repos/admin/imported-data`, { headers: auth });
    expect(info.status).toBe(200);
    expect(JSON.stringify(await info.json())).toContain('connect');
    await page.close();
  });

  it('clones the demo repository seeded on first start', async () => {
    const refs = await fetch(`${server.url}/demo/segmentation.git/info/refs?service=git-upload-pack`);
    expect(refs.status, 'the server seeds demo/segmentation on first start').toBe(200);
    const page = await chrome.context.newPage();
    await cloneInApp(page, server.url, 'demo/segmentation');
    await page.getByTestId('entry').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('entry').count()).toBeGreaterThan(0);
    await page.goto(`${server.url}/`);
    await expect
      .poll(() => page.locator('[data-repo="demo/segmentation"] [data-testid="repo-sync-state"]').textContent())
      .toBe('Up to date');

    // A DVC-tracked CSV opens in its viewer: its object is fetched from the server on demand.
    await page.goto(`${server.url}/demo/segmentation/blob/HEAD/data/raw/annotations.csv`);
    await page.getByTestId('csv-viewer').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('csv-viewer').textContent(), { timeout: 30_000 }).toContain('annotator');
    await page.close();
  });
});
