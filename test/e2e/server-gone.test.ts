import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { cloneInApp, saveScreenshots, signIn } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_PASSWORD = 'e2e-admin-password';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

async function repoState(page: Page, id: string): Promise<string | null> {
  return page
    .locator(`[data-repo="${id}"] [data-testid="repo-sync-state"]`)
    .textContent({ timeout: 5_000 })
    .catch(() => null);
}

describe.skipIf(!e2eAvailable())('a repository deleted on the server while this device has it, in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD, CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-gone-e2e-'));
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('is not created again by a sync; the page says so, and "Push it again" makes a private copy with its commits', async () => {
    // A private repository with two commits on the server, made with the real git CLI.
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'field-log', private: true }),
    });
    expect(created.status).toBe(201);
    const host = new URL(server.url).host;
    const gitUrl = `http://admin:${ADMIN_TOKEN}@${host}/admin/field-log.git`;
    const work = path.join(tmp, 'work');
    fs.mkdirSync(work);
    const git = (...args: string[]) =>
      run('git', ['-C', work, '-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args]);
    await git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(work, 'README.md'), '# field log\n');
    await git('add', '.');
    await git('commit', '-q', '-m', 'Start the field log');
    fs.writeFileSync(path.join(work, 'day-1.md'), 'Rain.\n');
    await git('add', '.');
    await git('commit', '-q', '-m', 'Day 1');
    await git('push', '-q', gitUrl, 'main');
    const { stdout: head } = await git('rev-parse', 'HEAD');

    const page = await chrome.context.newPage();
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    await cloneInApp(page, server.url, 'admin/field-log');

    // Another device (or the owner in the server's pages) deletes it.
    const deleted = await fetch(`${server.url}/api/v1/repos/admin/field-log`, {
      method: 'DELETE',
      headers: auth,
      body: JSON.stringify({ confirm: 'admin/field-log' }),
    });
    expect(deleted.status).toBeLessThan(300);

    // This device syncs: the repository is marked gone, and the server still has none.
    await page.goto(`${server.url}/`);
    await page.locator('[data-repo="admin/field-log"]').getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => repoState(page, 'admin/field-log'), { timeout: 60_000 }).toBe('Gone from the server');
    expect((await fetch(`${server.url}/api/v1/repos/admin/field-log`, { headers: auth })).status).toBe(404);
    // A reload starts every background sync again: still nothing is created.
    await expect
      .poll(() => page.getByTestId('connectivity').textContent(), { timeout: 30_000 })
      .toBe('Needs attention');
    await page.reload();
    await expect
      .poll(() => page.getByTestId('connectivity').textContent(), { timeout: 30_000 })
      .toBe('Needs attention');
    expect((await fetch(`${server.url}/api/v1/repos/admin/field-log`, { headers: auth })).status).toBe(404);

    // The repository's page says what happened and what can be done, on its first screen.
    await page.goto(`${server.url}/admin/field-log`);
    const banner = page.getByTestId('server-loss');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getByRole('heading').textContent()).toBe('admin/field-log is no longer on the server');
    expect(await banner.textContent()).toMatch(/deleted .*renamed.*stopped sharing it with you/);
    for (const choice of [
      'Push it again as a new repository',
      'Keep only on this device',
      "Remove this device's copy",
    ]) {
      await banner.getByRole('button', { name: choice }).waitFor({ state: 'visible', timeout: 10_000 });
    }
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByTestId('entry').first().waitFor({ timeout: 30_000 });
    expect((await page.getByTestId('entry').allTextContents()).join(' ')).toContain('day-1.md');
    await saveScreenshots(page, process.env.CAIRN_SHOTS, 'server-gone-banner');

    // Removing asks first, and says it may be the last copy.
    await banner.getByRole('button', { name: "Remove this device's copy" }).click();
    expect(await page.getByTestId('remove-confirm').textContent()).toContain('This may be the last copy.');
    await banner.getByRole('button', { name: 'Cancel' }).click();

    // Pushing it again: private unless unticked, with its commits.
    await banner.getByRole('button', { name: 'Push it again as a new repository' }).click();
    expect(await page.getByTestId('push-again-name').inputValue()).toBe('field-log');
    expect(await page.getByTestId('push-again-private').isChecked()).toBe(true);
    await saveScreenshots(page, process.env.CAIRN_SHOTS, 'server-gone-push-form');
    await page.getByRole('button', { name: 'Create and push' }).click();
    await page.getByTestId('server-loss-done').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('server-loss-done').textContent()).toBe(
      'admin/field-log is on the server again, private, and syncs as before.',
    );
    expect(await banner.count()).toBe(0);

    const info = await fetch(`${server.url}/api/v1/repos/admin/field-log`, { headers: auth });
    expect(info.status).toBe(200);
    expect(((await info.json()) as { private?: boolean }).private).toBe(true);
    expect((await fetch(`${server.url}/api/v1/repos/admin/field-log`)).status).toBe(401);
    const clone = path.join(tmp, 'clone');
    await run('git', ['clone', '-q', gitUrl, clone]);
    const { stdout: log } = await run('git', ['-C', clone, 'log', '--format=%H %s']);
    expect(log.trim().split('\n')).toEqual([`${head.trim()} Day 1`, expect.stringMatching(/ Start the field log$/)]);

    await page.goto(`${server.url}/`);
    await expect.poll(() => repoState(page, 'admin/field-log'), { timeout: 30_000 }).toBe('Up to date');
    await page.close();
  });

  it('"Keep only on this device" stops syncing it without creating anything, and can be undone', async () => {
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'scratch', private: false }),
    });
    expect(created.status).toBe(201);
    const page = await chrome.context.newPage();
    await cloneInApp(page, server.url, 'admin/scratch');
    const deleted = await fetch(`${server.url}/api/v1/repos/admin/scratch`, {
      method: 'DELETE',
      headers: auth,
      body: JSON.stringify({ confirm: 'admin/scratch' }),
    });
    expect(deleted.status).toBeLessThan(300);

    await page.goto(`${server.url}/`);
    await page.locator('[data-repo="admin/scratch"]').getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => repoState(page, 'admin/scratch'), { timeout: 60_000 }).toBe('Gone from the server');
    await page.goto(`${server.url}/admin/scratch`);
    const banner = page.getByTestId('server-loss');
    await banner.getByRole('button', { name: 'Keep only on this device' }).click({ timeout: 30_000 });
    const done = page.getByTestId('server-loss-done');
    await done.waitFor({ timeout: 30_000 });
    expect(await done.textContent()).toContain('admin/scratch is kept on this device only');
    expect(await banner.count()).toBe(0);
    await saveScreenshots(page, process.env.CAIRN_SHOTS, 'server-gone-kept');

    await done.getByRole('button', { name: 'Undo' }).click();
    await banner.waitFor({ timeout: 30_000 });
    await banner.getByRole('button', { name: 'Keep only on this device' }).click();
    await done.waitFor({ timeout: 30_000 });
    await page.goto(`${server.url}/`);
    await expect.poll(() => repoState(page, 'admin/scratch'), { timeout: 30_000 }).toBe('On this device only');
    expect((await fetch(`${server.url}/api/v1/repos/admin/scratch`, { headers: auth })).status).toBe(404);
    await page.close();
  });
});
