import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { signIn } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_PASSWORD = 'e2e-admin-password';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

/** The data-cache bytes the storage page shows for a repository. */
async function dataBytes(page: Page, repo: string): Promise<number> {
  return Number(
    await page
      .locator(`[data-testid="storage-repo"][data-repo="${repo}"] [data-testid="storage-data"]`)
      .getAttribute('data-bytes'),
  );
}

describe.skipIf(!e2eAvailable())('storage on this device, sign-in waits and repository settings in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;

  beforeAll(async () => {
    server = await startTestServer({
      CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
      CAIRN_DEMO: '1',
      // Two free wrong passwords per account, then a long first lock: the countdown is readable.
      CAIRN_SIGNIN_FREE_FAILURES: '2',
      CAIRN_SIGNIN_BASE_DELAY: '90',
    });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-storage-e2e-'));
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the demo repository with its sizes, frees data the server has, and fetches it again when opened', async () => {
    const page = await chrome.context.newPage();
    const csv = `${server.url}/demo/segmentation/blob/HEAD/data/raw/annotations.csv`;
    await page.goto(csv);
    await expect.poll(() => page.getByTestId('csv-viewer').textContent(), { timeout: 60_000 }).toContain('annotator');
    // A reader (here: not signed in) gets no settings tab, and the page itself says who may.
    expect(await page.getByTestId('settings-tab').count()).toBe(0);
    await page.goto(`${server.url}/demo/segmentation/settings`);
    await expect
      .poll(() => page.getByTestId('settings-not-admin').textContent(), { timeout: 30_000 })
      .toBe('Only admins of demo/segmentation can change its settings.');
    expect(await page.getByTestId('danger-zone').count()).toBe(0);

    await page.getByTestId('storage-link').click();
    await page.waitForURL(`${server.url}/storage`);
    const card = page.locator('[data-testid="storage-repo"][data-repo="demo/segmentation"]');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByTestId('storage-git').textContent()).toMatch(/^\d+(\.\d)? (KB|MB)$/);
    const before = await dataBytes(page, 'demo/segmentation');
    expect(before).toBeGreaterThan(0);
    expect(await page.getByTestId('storage-usage').textContent()).toMatch(/used of \d/);
    // Chromium has OPFS with sync access handles in workers: the page says data files live there.
    const backend = page.getByTestId('storage-cache-backend');
    expect(await backend.getAttribute('data-backend')).toBe('opfs');
    expect(await backend.textContent()).toContain("kept in the browser's private file system (OPFS)");

    await card.getByRole('button', { name: 'Free cached data' }).click();
    const plan = card.getByTestId('free-plan');
    await plan.waitFor({ timeout: 30_000 });
    expect(await plan.textContent()).toMatch(/Drop \d+ files? \(/);
    // Everything here came from the server: nothing is named as existing only here.
    expect(await card.getByTestId('only-here-warning').count()).toBe(0);
    await plan.getByRole('button', { name: /^Drop / }).click();
    await expect.poll(() => card.getByTestId('storage-done').textContent(), { timeout: 30_000 }).toMatch(/^Freed /);
    await expect.poll(() => dataBytes(page, 'demo/segmentation'), { timeout: 30_000 }).toBeLessThan(before);

    // Opening the file brings its data back from the server.
    await page.goto(csv);
    await expect.poll(() => page.getByTestId('csv-viewer').textContent(), { timeout: 60_000 }).toContain('annotator');
    await page.goto(`${server.url}/storage`);
    await card.waitFor({ timeout: 30_000 });
    expect(await dataBytes(page, 'demo/segmentation')).toBeGreaterThan(0);
    await page.close();
  });

  it('shows a live countdown after too many wrong passwords, and says "wrong" before that', async () => {
    const created = await fetch(`${server.url}/api/v1/users`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ username: 'bob', password: 'bobs-right-password' }),
    });
    expect(created.status).toBe(201);
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/sign-in`);
    const submit = page.getByRole('button', { name: 'Sign in' });
    const attempt = async () => {
      await page.getByPlaceholder('user name').fill('bob');
      await page.getByPlaceholder('password').fill('not-his-password');
      await submit.click();
    };
    for (let i = 0; i < 3; i++) {
      await attempt();
      await expect
        .poll(() => page.getByTestId('sign-in-error').textContent())
        .toBe('The user name or password is wrong.');
    }
    await attempt();
    const wait = page.getByTestId('sign-in-wait');
    await expect.poll(() => wait.textContent()).toMatch(/^Too many attempts\. Try again in 1:[23]\d$/);
    expect(await submit.isDisabled()).toBe(true);
    expect(await page.getByTestId('sign-in-error').count()).toBe(0);
    const first = await wait.textContent();
    await expect.poll(() => wait.textContent(), { timeout: 10_000 }).not.toBe(first);
    expect(await submit.isDisabled()).toBe(true);
    // Access tokens are never limited: choosing one lifts the wait.
    await page.getByLabel('Use an access token instead of the password').check();
    expect(await submit.isDisabled()).toBe(false);
    expect(await wait.count()).toBe(0);
    await page.close();
  });

  it('names data added on this device and not pushed, and keeps it', async () => {
    const page = await chrome.context.newPage();
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.getByTestId('new-repo-name').fill('field-notes');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(`${server.url}/admin/field-notes`);
    // The server refuses this repository's data uploads, so the file stays on this device only.
    await page.route('**/admin/field-notes.dvc/**', (route) =>
      route.request().method() === 'PUT' ? route.abort() : route.continue(),
    );
    await page.goto(`${server.url}/admin/field-notes/add-data`);
    const file = path.join(tmp, 'new.csv');
    fs.writeFileSync(file, 'site,count\nnorth,12\nsouth,7\n');
    await page.getByTestId('pick-files').setInputFiles(file);
    await page.getByTestId('add-message').fill('Add the new counts');
    await page.getByTestId('add-submit').click();
    await page.getByTestId('add-done').waitFor({ timeout: 60_000 });

    await page.goto(`${server.url}/storage`);
    const card = page.locator('[data-testid="storage-repo"][data-repo="admin/field-notes"]');
    await card.waitFor({ timeout: 30_000 });
    const before = await dataBytes(page, 'admin/field-notes');
    expect(before).toBe(fs.statSync(file).size);
    await card.getByRole('button', { name: 'Free cached data' }).click();
    const warning = card.getByTestId('only-here-warning');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toMatch(/^1 file \(\d+ B\) exists only on this device: (data\/)?new\.csv\./);
    expect(await card.getByRole('button', { name: /^Drop / }).count()).toBe(0);
    await card.getByRole('button', { name: 'Cancel' }).click();

    // Removing the repository names it too, before anything is removed.
    await card.getByRole('button', { name: 'Remove from this device' }).click();
    const removal = card.getByTestId('remove-warning');
    await removal.waitFor({ timeout: 30_000 });
    expect(await removal.textContent()).toContain('new.csv');
    await card.getByRole('button', { name: 'Cancel' }).click();
    await page.reload();
    await card.waitFor({ timeout: 30_000 });
    expect(await dataBytes(page, 'admin/field-notes')).toBe(before);
    await page.unroute('**/admin/field-notes.dvc/**');
    await page.close();
  });

  it('renames a repository in its settings: the page moves, the old URL redirects, the device copy follows', async () => {
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'soil-survey', private: false }),
    });
    expect(created.status).toBe(201);
    const work = path.join(tmp, 'soil');
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(path.join(work, 'README.md'), '# soil survey\n');
    const git = (...args: string[]) =>
      run('git', ['-C', work, '-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args]);
    await git('init', '-q', '-b', 'main');
    await git('add', '.');
    await git('commit', '-q', '-m', 'Start');
    await git('push', '-q', `http://admin:${ADMIN_TOKEN}@${new URL(server.url).host}/admin/soil-survey.git`, 'main');

    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/admin/soil-survey`);
    await page.getByTestId('entry').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('settings-tab').click();
    await page.waitForURL(`${server.url}/admin/soil-survey/settings`);
    await page.getByTestId('rename-name').fill('soil-survey-2026');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.waitForURL(`${server.url}/admin/soil-survey-2026`, { timeout: 30_000 });
    await page.getByTestId('entry').first().waitFor({ timeout: 30_000 });
    expect((await page.getByTestId('entry').allTextContents()).join(' ')).toContain('README.md');

    // The old URL lands on the same page under the new name (the server's redirect, or the app's
    // own when its service worker serves the page).
    await page.goto(`${server.url}/admin/soil-survey/commits/main`);
    await page.waitForURL(`${server.url}/admin/soil-survey-2026/commits/main`, { timeout: 30_000 });

    await page.goto(`${server.url}/`);
    await page.locator('[data-repo="admin/soil-survey-2026"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-repo="admin/soil-survey"]').count()).toBe(0);

    // A name already taken is refused in words, and nothing moves.
    await page.goto(`${server.url}/admin/soil-survey-2026/settings`);
    await page.getByTestId('rename-name').fill('field-notes');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect
      .poll(() => page.getByTestId('settings-error').textContent())
      .toBe('admin already has a repository named field-notes.');
    expect(page.url()).toBe(`${server.url}/admin/soil-survey-2026/settings`);
    await page.close();
  });

  it('deletes a repository after its name is typed: gone from the server, from / and from this device', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/admin/soil-survey-2026/settings`);
    const zone = page.getByTestId('danger-zone');
    await zone.getByRole('button', { name: 'Delete this repository' }).click();
    const what = (await zone.getByTestId('delete-what').textContent()) ?? '';
    for (const part of ['git repository', 'data objects', 'MLflow runs', 'run feed', 'live notes'])
      expect(what).toContain(part);
    const confirm = zone.getByRole('button', { name: 'Delete admin/soil-survey-2026' });
    expect(await confirm.isDisabled()).toBe(true);
    await zone.getByTestId('delete-confirm').fill('soil-survey-2026');
    expect(await confirm.isDisabled()).toBe(true);
    await zone.getByTestId('delete-confirm').fill('admin/soil-survey-2026');
    await confirm.click();
    await page.waitForURL(`${server.url}/`, { timeout: 30_000 });

    const gone = await fetch(`${server.url}/api/v1/repos/admin/soil-survey-2026`, { headers: auth });
    expect(gone.status).toBe(404);
    await page.getByTestId('repo-list').waitFor();
    expect(await page.locator('[data-repo="admin/soil-survey-2026"]').count()).toBe(0);
    await page.reload();
    await page.getByTestId('repo-list').waitFor();
    expect(await page.locator('[data-repo="admin/soil-survey-2026"]').count()).toBe(0);
    await page.goto(`${server.url}/storage`);
    await page.getByTestId('storage-repos').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="storage-repo"][data-repo="admin/soil-survey-2026"]').count()).toBe(0);
    await page.close();
  });
});
