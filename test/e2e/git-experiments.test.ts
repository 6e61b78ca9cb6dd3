/**
 * Git experiments in Chromium: a repository whose commits carry DagsHub-style params.yml and
 * metrics.csv (pushed with the real git CLI, packed by `git gc` so the browser's clone holds a
 * pack with deltas) is cloned in the app; its experiments tab lists a run per commit, computed by
 * the worker over lightning-fs; the per-commit scan results land in the experiments database,
 * so the next visit reads no commit again.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { cloneInApp } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_PASSWORD = 'git-exp-admin-password';
const ADMIN_TOKEN = 'git-exp-admin-token-0123456789abcdef';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const COMMITS = 12;

describe.skipIf(!e2eAvailable())('git experiments of a cloned repository in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD, CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-git-exp-e2e-'));
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists a run per experiment commit and keeps the scan for the next visit', async () => {
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'training', private: false }),
    });
    expect(created.status).toBe(201);
    const work = path.join(tmp, 'work');
    fs.mkdirSync(path.join(work, 'src'), { recursive: true });
    const git = (...args: string[]) =>
      run('git', ['-C', work, '-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args]);
    await git('init', '-q', '-b', 'main');
    for (let i = 0; i < COMMITS; i++) {
      fs.writeFileSync(path.join(work, 'params.yml'), `lr: ${(i + 1) / 100}\nmodel:\n  depth: ${i % 3}\n`);
      fs.writeFileSync(
        path.join(work, 'metrics.csv'),
        `Name,Value,Timestamp,Step\n"loss",${1 / (i + 1)},${1_700_000_000_000 + i},1\r\n"acc",${i / COMMITS},${1_700_000_000_000 + i},1\r\n`,
      );
      fs.writeFileSync(path.join(work, 'src', 'train.py'), `print(${i})\n`.repeat(50));
      await git('add', '-A');
      await git('commit', '-q', '-m', `train ${i}`);
    }
    await git('gc', '-q');
    const host = new URL(server.url).host;
    await git('push', '-q', `http://admin:${ADMIN_TOKEN}@${host}/admin/training.git`, 'main');

    const page = await chrome.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await cloneInApp(page, server.url, 'admin/training');
    await page.goto(`${server.url}/admin/training`);
    await page.getByTestId('entry').first().waitFor({ timeout: 30_000 });

    await page.goto(`${server.url}/admin/training/experiments`);
    const status = page.getByTestId('runs-status');
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(new RegExp(`^${COMMITS} of ${COMMITS} runs · ${COMMITS} git experiments`));
    expect((await page.getByTestId('run-row').allTextContents()).join(' ')).toContain(`train ${COMMITS - 1}`);

    // The worker kept every commit's analysis in the experiments database.
    const cached = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('cairn-experiments');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const db = open.result;
              if (!db.objectStoreNames.contains('gitScans')) return resolve(-1);
              const count = db.transaction('gitScans').objectStore('gitScans').count();
              count.onsuccess = () => {
                resolve(count.result);
                db.close();
              };
              count.onerror = () => reject(count.error);
            };
          }),
      );
    await expect.poll(cached, { timeout: 20_000 }).toBe(COMMITS);

    // A new visit shows the same runs.
    await page.reload();
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(new RegExp(`^${COMMITS} of ${COMMITS} runs · ${COMMITS} git experiments`));
    await expect.poll(() => page.getByText('Reading git experiments…').count(), { timeout: 30_000 }).toBe(0);
    expect(errors).toEqual([]);
  });
});
