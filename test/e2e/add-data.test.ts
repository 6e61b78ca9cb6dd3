import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { dirHash, hashStream, hashWasmMd5 } from '@cairn/core/hash';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** A small folder with nested files, a text file with CRLF and an empty file. */
function makeFolder(root: string): string {
  const dir = path.join(root, 'images');
  fs.mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'a.txt'), 'line one\r\nline two\r\n');
  fs.writeFileSync(path.join(dir, 'sub', 'b.bin'), crypto.randomBytes(300_000));
  fs.writeFileSync(path.join(dir, 'sub', 'deeper', 'c.csv'), 'x,y\n1,2\n');
  fs.writeFileSync(path.join(dir, 'empty.dat'), '');
  return dir;
}

const run = promisify(execFile);
const cairnCli = path.resolve(import.meta.dirname, '../../packages/cli/bin/cairn.js');

/** What `cairn add` (the CLI, in Node) writes for a copy of the folder: the `.dvc` file's md5. */
async function cairnAddHash(folder: string, root: string): Promise<string> {
  const repo = path.join(root, 'cli-repo');
  fs.mkdirSync(path.join(repo, 'data'), { recursive: true });
  fs.cpSync(folder, path.join(repo, 'data', path.basename(folder)), { recursive: true });
  await run('git', ['init', '-q'], { cwd: repo });
  await run(process.execPath, [cairnCli, 'init', '-q'], { cwd: repo });
  await run(process.execPath, [cairnCli, 'add', `data/${path.basename(folder)}`], { cwd: repo });
  const pointer = fs.readFileSync(path.join(repo, 'data', `${path.basename(folder)}.dvc`), 'utf8');
  return /md5: (\S+)/.exec(pointer)?.[1] ?? '';
}

/** The folder's DVC hash as core computes it in Node. */
async function nodeDirHash(dir: string): Promise<{ oid: string; size: number; nfiles: number }> {
  const md5 = hashWasmMd5();
  const entries = [];
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, rel);
    if (!fs.statSync(full).isFile()) continue;
    const h = await hashStream(fs.createReadStream(full), 'md5', md5);
    entries.push({ relpath: rel.split(path.sep).join('/'), md5: h.md5, size: h.size });
  }
  const hash = await dirHash(entries, md5);
  return { oid: hash.oid, size: hash.size ?? 0, nfiles: hash.nfiles };
}

async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
}

describe.skipIf(!e2eAvailable())('adding data in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;

  beforeAll(async () => {
    server = await startTestServer();
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-add-data-'));
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('creates a repository, adds a folder, commits, and still lists its files offline after a reload', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/`);
    await waitForServiceWorker(page);

    await page.getByTestId('new-repo-name').fill('photos');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(`${server.url}/local/photos`);

    await page.goto(`${server.url}/local/photos/add-data`);
    const folder = makeFolder(tmp);
    await page.getByTestId('pick-folder').setInputFiles(folder);
    await expect.poll(() => page.getByTestId('picked-list').textContent()).toContain('images/ (4 files');
    await page.getByTestId('add-message').fill('Add the images');
    await page.getByTestId('add-submit').click();
    const done = page.getByTestId('add-done');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toContain('Saved on this device in commit');

    // The hash the browser computed (in its workers) is the one `cairn add` and core compute in Node.
    const expected = await nodeDirHash(folder);
    const link = done.locator('a').first();
    expect(await link.getAttribute('data-oid')).toBe(expected.oid);
    expect(await cairnAddHash(folder, tmp)).toBe(expected.oid);

    // Offline, after a reload, the data folder is listed from the repository on this device.
    await chrome.context.setOffline(true);
    await page.reload();
    await page.goto(`${server.url}/local/photos/tree/HEAD/data/images`);
    const entries = page.getByTestId('entry');
    await entries.first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await entries.allTextContents()).join(' ')).toMatch(/a\.txt/);
    const names = (await entries.allTextContents()).join(' ');
    expect(names).toContain('sub');
    expect(names).toContain('empty.dat');

    await page.goto(`${server.url}/local/photos/tree/HEAD/data`);
    await entries.first().waitFor();
    expect((await entries.allTextContents()).join(' ')).toContain('images');
    await chrome.context.setOffline(false);
    await page.close();
  });

  it('"Saved" is durable: closing the tab right after it keeps the commit', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/local/photos/add-data`);
    const file = path.join(tmp, 'notes.txt');
    fs.writeFileSync(file, 'kept\n');
    await page.getByTestId('pick-files').setInputFiles(file);
    await page.getByTestId('add-submit').click();
    await page.getByTestId('add-done').waitFor({ timeout: 60_000 });
    // Within lightning-fs's 500 ms debounce: only the awaited flush() saved the directory tree.
    await page.close();
    const again = await chrome.context.newPage();
    await again.goto(`${server.url}/local/photos/tree/HEAD/data`);
    await again.getByTestId('entry').first().waitFor({ timeout: 30_000 });
    expect((await again.getByTestId('entry').allTextContents()).join(' ')).toContain('notes.txt');
    await again.close();
  });

  it('a cancelled add leaves no commit and no data behind', async () => {
    const page = await chrome.context.newPage();
    const big = path.join(tmp, 'big.bin');
    fs.writeFileSync(big, crypto.randomBytes(160 * 1024 * 1024));
    const objects = async () => {
      await page.goto(`${server.url}/`);
      return page.getByTestId('storage-data').textContent();
    };
    const before = await objects();
    await page.goto(`${server.url}/local/photos/add-data`);
    await page.getByTestId('pick-files').setInputFiles(big);
    await page.getByTestId('add-submit').click();
    await page.getByTestId('add-progress').waitFor();
    await page.getByTestId('add-cancel').click();
    await expect
      .poll(() => page.getByTestId('add-error').textContent(), { timeout: 30_000 })
      .toContain('nothing was added');
    // The repository has no big.bin pointer: the data folder lists only images.
    await page.goto(`${server.url}/local/photos/tree/HEAD/data`);
    await page.getByTestId('entry').first().waitFor();
    const names = (await page.getByTestId('entry').allTextContents()).join(' ');
    expect(names).not.toContain('big.bin');
    expect(await objects()).toBe(before);
    await page.close();
  });
});
