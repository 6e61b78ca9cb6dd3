/**
 * Diffs of what data scientists change besides code, in Chromium against the real server: a
 * commit that changes params.yaml, metrics.json and dvc.lock shows the key tables and the stage
 * changes on top; a DVC folder added and pushed with the real `cairn`, changed and pushed again,
 * opens its file list and then a CSV and an image inside it after "Fetch both versions" (the
 * objects come from the server's DVC remote, verified); a PNG in git opens 2-up, swipe and onion
 * skin with its dimensions; "Hide whitespace" leaves only the real change; a long fold opens
 * 20 lines at a time.
 * Set DIFF_SHOTS=DIR to also save screenshots (1400 and 390 px, light and dark).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCairn } from '../../packages/cli/src/testing/run-cairn.ts';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { blanked, cloneInApp, saveScreenshots, watchForBlanking } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'diffs-data-admin-token-0123456789';

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const x of b) c = CRC[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
/** A real RGB PNG of one colour. */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const MODEL_BEFORE = 'def fit(x):\n    y = x * 2\n    return y\n\n\ndef score(y):\n    return y\n';
// The first line of fit() only re-indented (whitespace), the return of score() really changed.
const MODEL_AFTER = 'def fit(x):\n        y = x * 2\n    return y\n\n\ndef score(y):\n    return y + 1\n';
/** 100 lines changed at lines 10 and 90: a 73-line fold between the two hunks. */
const LONG = Array.from({ length: 100 }, (_, i) => `value_${i} = ${i}\n`);
const lock = (model: string, lr: number) =>
  `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: train.py\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n      size: 10\n    params:\n      params.yaml:\n        train.lr: ${lr}\n    outs:\n    - path: model.pkl\n      hash: md5\n      md5: ${model}\n      size: 20\n`;

describe.skipIf(!e2eAvailable())('params, DVC data, image and whitespace diffs in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;
  let page: Page;
  let commitUrl: string;
  const errors: string[] = [];

  const shots = process.env.DIFF_SHOTS;
  const screenshot = (name: string) => saveScreenshots(page, shots, name, { fullPage: true });

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-diffs-data-e2e-'));
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'data-diffs', private: false }),
    });
    expect(created.status).toBe(201);
    const work = path.join(tmp, 'work');
    fs.mkdirSync(path.join(work, 'data'), { recursive: true });
    const git = (...args: string[]) =>
      run('git', ['-C', work, '-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args]);
    const write = (file: string, content: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      fs.writeFileSync(path.join(work, file), content);
    };
    const cairn = async (...args: string[]) => {
      const r = await runCairn(work, ...args);
      expect(r.code, r.stderr).toBe(0);
    };
    await git('init', '-q', '-b', 'main');
    await cairn('init', '-q');
    const host = new URL(server.url).host;
    write(
      '.dvc/config',
      `[core]\n    remote = origin\n['remote "origin"']\n    url = http://${host}/admin/data-diffs.dvc\n`,
    );
    write(
      '.dvc/config.local',
      `['remote "origin"']\n    auth = basic\n    user = admin\n    password = ${ADMIN_TOKEN}\n`,
    );
    write('params.yaml', 'train:\n  lr: 0.01\n  epochs: 10\n');
    write('metrics.json', '{"acc": 0.8, "loss": 0.3}\n');
    write('dvc.lock', lock('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0.01));
    write('src/model.py', MODEL_BEFORE);
    write('src/long.py', LONG.join(''));
    write('logo.png', png(4, 3, [200, 30, 30]));
    write('data/table.csv', 'id,name,score\n1,ada,0.50\n2,bob,0.70\n3,cy,0.90\n');
    write('data/notes.txt', 'first\nsecond\n');
    write('data/plot.png', png(8, 6, [30, 30, 200]));
    await cairn('add', '-q', 'data');
    await cairn('push', '-q');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'First data');
    write('params.yaml', 'train:\n  lr: 0.02\n  epochs: 10\nseed: 42\n');
    write('metrics.json', '{"acc": 0.85, "loss": 0.3}\n');
    write('dvc.lock', lock('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 0.02));
    write('src/model.py', MODEL_AFTER);
    write('src/long.py', LONG.map((l, i) => (i === 9 || i === 89 ? l.replace('= ', '= 1 + ') : l)).join(''));
    write('logo.png', png(6, 5, [30, 160, 30]));
    write('data/table.csv', 'id,name,score\n1,ada,0.50\n2,bob,0.75\n3,cy,0.90\n');
    write('data/notes.txt', 'first\nsecond, revised\n');
    write('data/plot.png', png(10, 6, [30, 200, 30]));
    await cairn('add', '-q', 'data');
    await cairn('push', '-q');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Retrain with new data');
    const { stdout: sha } = await run('git', ['-C', work, 'rev-parse', 'HEAD']);
    await git('push', '-q', `http://admin:${ADMIN_TOKEN}@${host}/admin/data-diffs.git`, 'main');

    page = await chrome.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await cloneInApp(page, server.url, 'admin/data-diffs');
    commitUrl = `${server.url}/admin/data-diffs/commit/${sha.trim()}`;
  }, 180_000);
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const fileDiff = (p: string) => page.locator(`[data-testid="file-diff"][data-path="${p}"]`);
  const rowsOf = async (testId: string) =>
    page
      .getByTestId(testId)
      .locator('[data-testid="key-row"]')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));

  it('shows the params and metrics that changed as key tables, and dvc.lock per stage, above the files', async () => {
    await page.goto(commitUrl);
    await page.getByTestId('key-changes').waitFor({ timeout: 30_000 });
    expect(await rowsOf('key-diff-param')).toEqual([
      ['params.yaml', 'seed', '—', '42', 'added'],
      ['params.yaml', 'train.lr', '0.01', '0.02', '+0.01 (+100.0 %)'],
    ]);
    expect(await rowsOf('key-diff-metric')).toEqual([['metrics.json', 'acc', '0.8', '0.85', '+0.05 (+6.25 %)']]);
    const stage = page.locator('[data-testid="lock-stage"][data-stage="train"]');
    expect(await stage.locator('[data-testid="lock-entry"]').allTextContents()).toEqual([
      'outmodel.pklaaaaaaaa → bbbbbbbb20 B',
    ]);
    expect(await stage.locator('[data-testid="lock-param"]').allTextContents()).toEqual([
      'paramparams.yaml: train.lr0.01 → 0.02',
    ]);
    await screenshot('key-changes');
  });

  it('fetches a DVC folder’s file lists, then both versions of a CSV and an image inside it', async () => {
    await page.goto(commitUrl);
    const dvc = fileDiff('data.dvc');
    await dvc.getByTestId('change-row').waitFor({ timeout: 30_000 });
    // The page stays while diffs open and fetched data is read (watchForBlanking says why).
    await watchForBlanking(page);
    await dvc.getByTestId('change-row').click();
    await expect
      .poll(() => dvc.getByTestId('dvc-missing').textContent(), { timeout: 30_000 })
      .toMatch(/^The old file list \([0-9a-f]{8}….dir\) is not on this device\. The new file list/);
    await dvc.getByTestId('fetch-both').click();
    await expect
      .poll(() => dvc.getByTestId('dvc-summary').textContent(), { timeout: 30_000 })
      .toBe('0 added, 0 deleted, 3 modified, 0 renamed files');
    const table = dvc.locator('[data-testid="dir-change"]', { hasText: 'table.csv' });
    await table.getByRole('button').first().click();
    await expect
      .poll(() => table.getByTestId('data-not-on-device').textContent(), { timeout: 30_000 })
      .toMatch(/The old version \(md5 [0-9a-f]{8}…\) is not on this device\. The new version/);
    await table.getByTestId('fetch-both').click();
    await table.getByTestId('table-diff').waitFor({ timeout: 30_000 });
    expect(await table.getByTestId('cell-changed').textContent()).toBe('0.70 → 0.75');
    const plot = dvc.locator('[data-testid="dir-change"]', { hasText: 'plot.png' });
    await plot.getByRole('button').first().click();
    await plot.getByTestId('fetch-both').click();
    await plot.getByTestId('image-diff').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => plot.getByTestId('image-before-info').textContent())
      .toMatch(/^Old · 8 × 6 px · \d+ B · shown ×16$/);
    await expect
      .poll(() => plot.getByTestId('image-after-info').textContent())
      .toMatch(/^New · 10 × 6 px · \d+ B · shown ×16$/);
    expect(await blanked(page)).toEqual([]);
    await screenshot('dvc-data');
    // Fetched once, kept: offline the same file diff opens from this device's cache.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await chrome.context.setOffline(true);
    try {
      await page.goto(commitUrl);
      const again = fileDiff('data.dvc');
      await again.getByTestId('change-row').click();
      const t = again.locator('[data-testid="dir-change"]', { hasText: 'table.csv' });
      await t.getByRole('button').first().click();
      await t.getByTestId('table-diff').waitFor({ timeout: 30_000 });
      expect(await t.getByTestId('cell-changed').textContent()).toBe('0.70 → 0.75');
    } finally {
      await chrome.context.setOffline(false);
    }
  });

  it('shows an image in git 2-up with dimensions, then swipe and onion skin', async () => {
    await page.goto(commitUrl);
    const logo = fileDiff('logo.png');
    await logo.getByTestId('change-row').click();
    await logo.getByTestId('image-diff').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => logo.getByTestId('image-before-info').textContent())
      .toMatch(/^Old · 4 × 3 px · \d+ B · shown ×26$/);
    await expect
      .poll(() => logo.getByTestId('image-after-info').textContent())
      .toMatch(/^New · 6 × 5 px · \d+ B · shown ×26$/);
    await logo.getByTestId('image-mode-swipe').click();
    const top = logo.locator('.image-top');
    expect(await top.evaluate((el) => getComputedStyle(el).clipPath)).toBe('inset(0px 0px 0px 50%)');
    await logo.getByTestId('image-slider').fill('20');
    expect(await top.evaluate((el) => getComputedStyle(el).clipPath)).toBe('inset(0px 0px 0px 20%)');
    await logo.getByTestId('image-mode-onion').click();
    expect(await top.evaluate((el) => getComputedStyle(el).opacity)).toBe('0.5');
    await logo.getByTestId('image-slider').fill('80');
    expect(await top.evaluate((el) => getComputedStyle(el).opacity)).toBe('0.8');
    expect(await logo.getByTestId('image-dims').textContent()).toMatch(
      /^Old 4 × 3 px · \d+ B · New 6 × 5 px · \d+ B · shown ×26$/,
    );
    await screenshot('image');
  });

  it('"Hide whitespace" leaves only the real change, and the URL keeps it', async () => {
    await page.goto(commitUrl);
    const model = fileDiff('src/model.py');
    await model.getByTestId('change-row').click();
    const table = model.getByTestId('text-diff');
    await table.waitFor({ timeout: 30_000 });
    const changed = () => table.locator('tr[data-kind="del"] td.code, tr[data-kind="add"] td.code').allTextContents();
    expect(await changed()).toEqual(['    y = x * 2', '        y = x * 2', '    return y', '    return y + 1']);
    // Syntax colours: `def`/`return` are keywords.
    await expect.poll(() => table.locator('.hljs-keyword').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('hide-whitespace').check();
    await expect.poll(() => page.url()).toContain('w=1');
    await expect.poll(changed).toEqual(['    return y', '    return y + 1']);
    await page.reload();
    await model.getByTestId('text-diff').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('hide-whitespace').isChecked()).toBe(true);
    expect(await changed()).toEqual(['    return y', '    return y + 1']);
    await screenshot('text');
  });

  it('opens a long fold 20 lines down, 20 lines up, then whole', async () => {
    await page.goto(commitUrl);
    const long = fileDiff('src/long.py');
    await long.getByTestId('change-row').click();
    const table = long.getByTestId('text-diff');
    await table.waitFor({ timeout: 30_000 });
    const numbers = () =>
      table.locator('tr.diff-line td.ln:nth-child(2)').evaluateAll((tds) => tds.map((td) => Number(td.textContent)));
    // Hunks around lines 10 and 90 with 3 lines of context; the 73 lines between (14–86) are folded.
    expect(await table.getByTestId('diff-unfold').nth(1).textContent()).toBe('↕ Show 73 unchanged lines');
    await table.getByTestId('diff-expand-down').first().click();
    await expect.poll(() => table.getByTestId('diff-unfold').nth(1).textContent()).toBe('↕ Show 53 unchanged lines');
    expect(await numbers()).toContain(33);
    expect(await numbers()).not.toContain(34);
    await table.getByTestId('diff-expand-up').first().click();
    await expect.poll(() => table.getByTestId('diff-unfold').nth(1).textContent()).toBe('↕ Show 33 unchanged lines');
    expect(await numbers()).toContain(67);
    expect(await numbers()).not.toContain(66);
    await table.getByTestId('diff-unfold').nth(1).click();
    await expect.poll(() => table.getByTestId('diff-unfold').count()).toBe(2);
    expect(await numbers()).toContain(50);
    expect(errors).toEqual([]);
  });
});
