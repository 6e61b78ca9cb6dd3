import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium, newWatchedContext } from '../support/chromium.ts';
import { signIn } from '../support/e2e-page.ts';
import { type PushedProject, pushProject } from '../support/ops-project.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'e2e-admin-token-read-only-copy-0123';
const BOB_PASSWORD = 'bob-password-read-only-copy';
const SHOTS = process.env.CAIRN_SHOTS; // a folder: also save screenshots there, to look at

/**
 * A read-only collaborator (issue 11), signed in, in Chromium: before committing they are told
 * they cannot push here and offered a copy in their own account; "Copy to my account" makes it,
 * the copy opens with the same files, and what they add there reaches the server (git and DVC).
 */
describe.skipIf(!e2eAvailable())('a read-only collaborator copies a repository to their account', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;
  let project: PushedProject;

  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${p}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.status;
  };
  async function shot(page: Page, name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'e2e-admin-password-copy', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-copy-e2e-'));
    expect(await api('POST', '/repos', { name: 'survey', private: true })).toBe(201);
    project = await pushProject(server.url, 'admin', ADMIN_TOKEN, 'admin/survey', tmp);
    expect(await api('POST', '/users', { username: 'bob', password: BOB_PASSWORD })).toBe(201);
    expect(await api('PUT', '/repos/admin/survey/collaborators/bob', { permission: 'read' })).toBe(200);
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('warns before committing, copies, opens the copy with the same files, and a push there succeeds', async () => {
    const context = await newWatchedContext(chrome.browser, { viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await signIn(page, server.url, 'bob', BOB_PASSWORD);

    // The repository page offers the copy to a reader, as GitHub offers a fork.
    await page.goto(`${server.url}/admin/survey`);
    await page.getByTestId('entry-list').waitFor({ timeout: 60_000 });
    await page.getByTestId('copy-menu').waitFor({ timeout: 30_000 });

    // Before anything is committed: told they cannot push here, and offered a copy.
    await page.goto(`${server.url}/admin/survey/add-data`);
    const notice = page.getByTestId('push-access');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.textContent()).toContain('You can read admin/survey but not push to it');
    expect(await notice.textContent()).toContain('MLflow runs');
    expect(await page.getByTestId('copy-name').inputValue()).toBe('survey');
    await shot(page, 'copy-offer-1400-light');
    // Data picked before deciding to copy comes along to the copy.
    const bytes = crypto.randomBytes(50_000);
    const file = path.join(tmp, 'labels.bin');
    fs.writeFileSync(file, bytes);
    await page.getByTestId('pick-files').setInputFiles(file);
    await page.getByTestId('add-message').fill('Add labels to my copy');
    await notice.getByRole('button', { name: 'Copy to my account' }).click();

    // The copy opens on its own add-data page, with no warning (bob may push there) and the
    // picked file and message still in place.
    await page.waitForURL(`${server.url}/bob/survey/add-data`, { timeout: 60_000 });
    expect(await page.getByTestId('add-data-repo').textContent()).toBe('bob/survey');
    expect(await page.getByTestId('picked-list').textContent()).toContain('labels.bin');
    expect(await page.getByTestId('add-message').inputValue()).toBe('Add labels to my copy');
    await expect.poll(() => page.getByTestId('add-submit').isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByTestId('push-access').count()).toBe(0);
    await page.getByTestId('add-submit').click();
    await page.getByTestId('add-done').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('connectivity').textContent(), { timeout: 60_000 }).toBe('Up to date');

    // Its files are the source's.
    await page.goto(`${server.url}/bob/survey`);
    await page.getByTestId('entry-list').waitFor({ timeout: 60_000 });
    const names = await page.$$eval('[data-testid="entry"] .entry-name', (els) => els.map((e) => e.textContent));
    expect(names).toEqual(expect.arrayContaining(['images', 'data.csv', 'legacy.txt', 'README.md']));
    expect(await page.getByTestId('copy-menu').count()).toBe(0);
    await page.locator('[data-testid="entry"][data-source="dvc"]', { hasText: 'data.csv' }).click();
    await page.waitForURL('**/bob/survey/blob/main/data.csv');
    // The CSV's bytes come from the copy's own DVC remote.
    await page.getByText('0.25').first().waitFor({ timeout: 60_000 });
    await shot(page, 'copy-opened-1400-light');

    // The commit reached the server: git and the DVC object.
    const host = new URL(server.url).host;
    const clone = path.join(tmp, 'bob-clone');
    await run('git', ['clone', '-q', `http://admin:${ADMIN_TOKEN}@${host}/bob/survey.git`, clone]);
    const { stdout: log } = await run('git', ['-C', clone, 'log', '--format=%s']);
    expect(log.split('\n').slice(0, 2)).toEqual(['Add labels to my copy', 'data']);
    const md5 = crypto.createHash('md5').update(bytes).digest('hex');
    expect(fs.readFileSync(path.join(clone, 'data', 'labels.bin.dvc'), 'utf8')).toContain(`md5: ${md5}`);
    const obj = await fetch(`${server.url}/bob/survey.dvc/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(Buffer.from(await obj.arrayBuffer()).equals(bytes)).toBe(true);
    // The source did not move.
    const { stdout: sourceHead } = await run('git', [
      'ls-remote',
      `http://admin:${ADMIN_TOKEN}@${host}/admin/survey.git`,
      'refs/heads/main',
    ]);
    const { stdout: projectHead } = await run('git', ['-C', project.clone, 'rev-parse', 'HEAD']);
    expect(sourceHead.split('\t')[0]).toBe(projectHead.trim());
    await context.close();
  });
});
