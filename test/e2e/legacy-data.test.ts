import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { cloneInApp, signIn } from '../support/e2e-page.ts';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * DVC 2 and DVC 3 data side by side in Chromium (FORMATS §1.1–1.4). One repository tracks a
 * CRLF text file twice — by a DVC 2 `.dvc` file (no `hash: md5`: md5-dos2unix, `ab/cdef`) and by a
 * DVC 3 one (`files/md5/ab/cdef`) — and also the LF form of that file with DVC 3, whose hex is
 * the legacy object's hex. The browser caches all three apart with their own bytes, and pushes
 * each to its own remote path of another repository.
 */
const ADMIN_PASSWORD = 'e2e-admin-password-legacy';
const ADMIN_TOKEN = 'e2e-admin-token-legacy-0123456789';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');
const CRLF = Buffer.from('name,value\r\nloss,0.5\r\nacc,0.9\r\n');
const LF = Buffer.from('name,value\nloss,0.5\nacc,0.9\n');
const LEGACY = md5(LF); // DVC 2 hashes the CRLF file as its LF form
const V3_CRLF = md5(CRLF);
const v2Path = (h: string) => `${h.slice(0, 2)}/${h.slice(2)}`;
const v3Path = (h: string) => `files/md5/${v2Path(h)}`;

/** The bytes the browser's data cache holds under `id` (chunk rows or an OPFS file), as text (null when absent). */
function cached(page: Page, id: string): Promise<string | null> {
  return page.evaluate(async (objectId) => {
    const open = indexedDB.open('cairn');
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const get = <T>(store: string, key: IDBValidKey) =>
      new Promise<T | undefined>((resolve, reject) => {
        const r = db.transaction(store).objectStore(store).get(key);
        r.onsuccess = () => resolve(r.result as T | undefined);
        r.onerror = () => reject(r.error);
      });
    try {
      const row = await get<{ key: string; chunks: number; size: number; place?: string }>('objects', objectId);
      if (!row) return null;
      if (row.place === 'opfs') {
        // In an OPFS file of the cache's folder: `size` bytes at the offset the key names.
        const at = row.key.lastIndexOf('#');
        const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('cairn-objects');
        const file = await (await folder.getFileHandle(row.key.slice(0, at))).getFile();
        const offset = Number(row.key.slice(at + 1));
        return await file.slice(offset, offset + row.size).text();
      }
      let text = '';
      for (let i = 0; i < row.chunks; i++) {
        const chunk = await get<{ bytes: Uint8Array }>('chunks', [row.key, i]);
        text += new TextDecoder().decode(chunk?.bytes);
      }
      return text;
    } finally {
      db.close();
    }
  }, id);
}

describe.skipIf(!e2eAvailable())('DVC 2 and DVC 3 data side by side in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;
  let page: Page;

  async function createServerRepo(name: string): Promise<void> {
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, private: false }),
    });
    expect(created.status).toBe(201);
  }

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD, CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-legacy-e2e-'));
    page = await chrome.context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    page.on('dialog', (dialog) => void dialog.accept());

    // The repository as DVC 2, then DVC 3, left it; pushed with the real git CLI to two server repos.
    const work = path.join(tmp, 'work');
    fs.mkdirSync(path.join(work, 'data'), { recursive: true });
    fs.writeFileSync(
      path.join(work, 'data', 'crlf-v2.csv.dvc'),
      `outs:\n- md5: ${LEGACY}\n  size: ${CRLF.length}\n  path: crlf-v2.csv\n`,
    );
    fs.writeFileSync(
      path.join(work, 'data', 'crlf-v3.csv.dvc'),
      `outs:\n- md5: ${V3_CRLF}\n  size: ${CRLF.length}\n  hash: md5\n  path: crlf-v3.csv\n`,
    );
    fs.writeFileSync(
      path.join(work, 'data', 'lf-v3.csv.dvc'),
      `outs:\n- md5: ${LEGACY}\n  size: ${LF.length}\n  hash: md5\n  path: lf-v3.csv\n`,
    );
    fs.writeFileSync(path.join(work, 'data', '.gitignore'), '/crlf-v2.csv\n/crlf-v3.csv\n/lf-v3.csv\n');
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    const git = async (...args: string[]) => {
      const r = await runGit(args, { home, cwd: work });
      expect(r.code, r.out).toBe(0);
    };
    await git('init', '-q', '-b', 'main');
    await git('add', '.');
    await git('commit', '-q', '-m', 'Data tracked by DVC 2 and DVC 3');
    const host = new URL(server.url).host;
    for (const name of ['mixed', 'mixed-copy']) {
      await createServerRepo(name);
      await git('push', '-q', `http://admin:${ADMIN_TOKEN}@${host}/admin/${name}.git`, 'main');
    }
    // Only `mixed` has the data: as `dvc push` of DVC 2 and of DVC 3 put it there.
    for (const [p, body] of [
      [v2Path(LEGACY), CRLF],
      [v3Path(V3_CRLF), CRLF],
      [v3Path(LEGACY), LF],
    ] as const) {
      const put = await fetch(`${server.url}/admin/mixed.dvc/${p}`, { method: 'PUT', headers: auth, body });
      expect(put.status).toBe(200);
    }
    // Signed in, so the browser may push to the server.
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('fetches and caches each object apart, with its own bytes', async () => {
    await cloneInApp(page, server.url, 'admin/mixed');

    // Opening the DVC 2 file fetches it from the DVC 2 path and verifies it with md5-dos2unix.
    await page.goto(`${server.url}/admin/mixed/blob/HEAD/data/crlf-v2.csv`);
    await page.getByTestId('file').getByText('loss').first().waitFor({ timeout: 30_000 });
    expect(await cached(page, `md5-dos2unix/${LEGACY}`)).toBe(CRLF.toString());
    expect(await cached(page, `md5/${LEGACY}`)).toBeNull();

    await page.goto(`${server.url}/`);
    const item = page.locator('[data-repo="admin/mixed"]');
    await item.getByRole('button', { name: 'Download data' }).click();
    await expect
      .poll(() => page.getByTestId('repo-notice').textContent(), { timeout: 30_000 })
      .toBe('Downloaded 2 data objects of admin/mixed.');
    expect(await cached(page, `md5-dos2unix/${LEGACY}`)).toBe(CRLF.toString());
    expect(await cached(page, `md5/${LEGACY}`)).toBe(LF.toString());
    expect(await cached(page, `md5/${V3_CRLF}`)).toBe(CRLF.toString());
  });

  it('pushes each object to its own remote path', async () => {
    // `mixed-copy` has the same commits and no data; this device has all three objects.
    await cloneInApp(page, server.url, 'admin/mixed-copy');
    await page.goto(`${server.url}/`);
    const item = page.locator('[data-repo="admin/mixed-copy"]');
    await item.getByRole('button', { name: 'Sync now' }).click();
    const text = async (p: string) => {
      const r = await fetch(`${server.url}/admin/mixed-copy.dvc/${p}`, { headers: auth });
      return r.status === 200 ? Buffer.from(await r.arrayBuffer()).toString() : r.status;
    };
    const all = () => Promise.all([v2Path(LEGACY), v3Path(LEGACY), v3Path(V3_CRLF)].map(text));
    await expect.poll(all, { timeout: 30_000 }).toEqual([CRLF.toString(), LF.toString(), CRLF.toString()]);
    await expect.poll(() => item.getByTestId('repo-sync-state').textContent(), { timeout: 30_000 }).toBe('Up to date');
  });
});
