/**
 * Real repositories at first contact, in Chromium: a DVC project whose only branch is `master`
 * (dvc.yaml, params.yaml, a .dvc pointer, metrics.json, a notebook; a tag; a DVC experiment
 * pushed as `refs/exps/…` as `dvc exp push` does) and one whose only branch is `develop` and
 * whose server HEAD dangles, both pushed with the git CLI; an empty repository; one with only
 * tags. Each opens by URL, online and then offline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { createRepo } from '../support/create-repo.ts';
import { blanked, signIn, watchForBlanking } from '../support/e2e-page.ts';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ADMIN_PASSWORD = 'default-branch-admin-pw';
const ADMIN_TOKEN = 'default-branch-admin-token-0123456789';

const NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { language_info: { name: 'python' } },
  cells: [
    { cell_type: 'markdown', id: 'm', metadata: {}, source: ['## Accuracy by epoch\n'] },
    {
      cell_type: 'code',
      id: 'c',
      metadata: {},
      execution_count: 1,
      source: ['import json\n', 'print(json.load(open("metrics.json"))["acc"])'],
      outputs: [{ output_type: 'stream', name: 'stdout', text: ['0.91\n'] }],
    },
  ],
});

function dvcYaml(metricsInGit: boolean): string {
  return `stages:
  prepare:
    cmd: python src/prepare.py data/raw data/prepared
    deps:
    - data/raw
    - src/prepare.py
    params:
    - prepare.split
    outs:
    - data/prepared
  train:
    cmd: python src/train.py data/prepared model.pkl
    deps:
    - data/prepared
    - src/train.py
    params:
    - train.lr
    - train.epochs
    outs:
    - model.pkl
    metrics:
    - metrics.json:
        cache: ${metricsInGit ? 'false' : 'true'}
`;
}

const md5 = (seed: string) => Buffer.from(seed.padEnd(16, '0').slice(0, 16)).toString('hex');

function dvcLock(i: number): string {
  return `schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py data/raw data/prepared
    outs:
    - path: data/prepared
      hash: md5
      md5: ${md5(`prep${i % 3}`)}.dir
      size: 2048
      nfiles: 2
  train:
    cmd: python src/train.py data/prepared model.pkl
    outs:
    - path: model.pkl
      hash: md5
      md5: ${md5(`model${i}`)}
      size: 4096
`;
}

/** A work tree with `count` commits of a DVC project, on `branch`. */
async function makeProject(
  dir: string,
  home: string,
  branch: string,
  count: number,
  metricsInGit: boolean,
): Promise<(...args: string[]) => Promise<string>> {
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'notebook'), { recursive: true });
  const git = async (...args: string[]) => {
    const r = await runGit(args, { home, cwd: dir });
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.out}`);
    return r.stdout.trim();
  };
  await git('init', '-q', '-b', branch);
  for (let i = 0; i < count; i++) {
    if (i === 0) {
      fs.writeFileSync(path.join(dir, 'README.md'), '# Wine quality\n\nA DVC pipeline: prepare, train.\n');
      fs.writeFileSync(path.join(dir, '.gitignore'), '/model.pkl\n/data/prepared\n');
      fs.writeFileSync(path.join(dir, 'dvc.yaml'), dvcYaml(metricsInGit));
      fs.writeFileSync(path.join(dir, 'src', 'prepare.py'), 'import sys\nprint("prepare", sys.argv)\n');
      fs.writeFileSync(
        path.join(dir, 'data', 'raw.dvc'),
        `outs:\n- md5: ${md5('raw')}.dir\n  size: 52000\n  nfiles: 3\n  hash: md5\n  path: raw\n`,
      );
      fs.writeFileSync(path.join(dir, 'data', '.gitignore'), '/raw\n');
    }
    fs.writeFileSync(
      path.join(dir, 'params.yaml'),
      `prepare:\n  split: 0.2\ntrain:\n  lr: ${(i + 1) / 1000}\n  epochs: ${10 + i}\n`,
    );
    fs.writeFileSync(path.join(dir, 'src', 'train.py'), `# revision ${i}\nimport yaml\nprint("train")\n`);
    fs.writeFileSync(path.join(dir, 'dvc.lock'), dvcLock(i));
    if (metricsInGit)
      fs.writeFileSync(path.join(dir, 'metrics.json'), `{"acc": ${0.8 + i / 100}, "loss": ${1 / (i + 2)}}\n`);
    if (i === 3) fs.writeFileSync(path.join(dir, 'notebook', 'analyze.ipynb'), NOTEBOOK);
    await git('add', '-A');
    await git('commit', '-q', '-m', i === 0 ? 'Start the wine-quality pipeline' : `Train with lr ${(i + 1) / 1000}`);
  }
  return git;
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).first().textContent()) ?? '';
}

describe.skipIf(!e2eAvailable())('repositories whose branch is not main, in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;
  let home: string;
  let host: string;
  const push = (repo: string) => `http://admin:${ADMIN_TOKEN}@${host}/admin/${repo}.git`;

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD, CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-default-branch-'));
    home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    host = new URL(server.url).host;
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('opens a DVC project whose only branch is master: files, history, a short commit id, experiments; then offline', async () => {
    expect((await createRepo(server.url, ADMIN_TOKEN, { name: 'demo', private: false })).status).toBe(201);
    const work = path.join(tmp, 'demo');
    const git = await makeProject(work, home, 'master', 10, true);
    await git('tag', '-a', 'v1.0', '-m', 'first release', 'HEAD~2');
    const baseline = await git('rev-parse', 'HEAD');
    // A DVC experiment: a commit on top of the baseline that no branch holds, under the ref
    // `dvc exp push` writes: refs/exps/<2 hex>/<38 hex of the baseline>/<name>.
    fs.writeFileSync(path.join(work, 'params.yaml'), 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.05\n  epochs: 40\n');
    fs.writeFileSync(path.join(work, 'metrics.json'), '{"acc": 0.97, "loss": 0.03}\n');
    fs.writeFileSync(path.join(work, 'dvc.lock'), dvcLock(99));
    await git('add', '-A');
    await git('commit', '-q', '-m', 'dvc: commit experiment lucid-hare');
    const expCommit = await git('rev-parse', 'HEAD');
    await git('reset', '-q', '--hard', baseline);
    const expRef = `refs/exps/${baseline.slice(0, 2)}/${baseline.slice(2)}/lucid-hare`;
    await git('update-ref', expRef, expCommit);
    await git('gc', '-q');
    await git('push', '-q', push('demo'), 'master', 'v1.0', `${expRef}:${expRef}`);
    const shortId = (await git('rev-parse', 'HEAD~4')).slice(0, 7);
    const shortSummary = await git('log', '-1', '--format=%s', 'HEAD~4');

    // The first branch pushed is the default: the server says so, and `git clone` checks it out.
    const info = await fetch(`${server.url}/api/v1/repos/admin/demo`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(((await info.json()) as { defaultBranch: string | null }).defaultBranch).toBe('master');
    const cloned = await runGit(['clone', '-q', `${server.url}/admin/demo.git`, path.join(tmp, 'clone')], { home });
    expect(cloned.code, cloned.out).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'clone', 'dvc.yaml'), 'utf8')).toContain('stages:');

    const page = await chrome.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/admin/demo`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await expect.poll(() => page.getByTestId('entry').count(), { timeout: 60_000 }).toBeGreaterThan(4);
    expect(await text(page, 'default-branch-name')).toBe('master');
    expect(await page.getByTestId('head-fallback').count()).toBe(0); // the server named it
    const picker = page.getByTestId('ref-picker');
    expect(await picker.locator('optgroup[label="Branches"] option').allTextContents()).toEqual(['master (default)']);
    expect(await picker.locator('optgroup[label="Tags"] option').allTextContents()).toEqual(['v1.0']);
    expect(await page.getByTestId('readme').textContent()).toContain('Wine quality');

    // A file on master, by URL.
    const notebookUrl = `${server.url}/admin/demo/blob/master/notebook/analyze.ipynb`;
    await page.goto(notebookUrl);
    await expect.poll(() => text(page, 'file'), { timeout: 30_000 }).toContain('Accuracy by epoch');

    // The history, and a commit by its 7-character id.
    await page.goto(`${server.url}/admin/demo/commits/master`);
    await expect.poll(() => page.getByTestId('commit-row').count(), { timeout: 30_000 }).toBe(10);
    await page.goto(`${server.url}/admin/demo/commit/${shortId}`);
    await expect.poll(() => text(page, 'commit-summary'), { timeout: 30_000 }).toBe(shortSummary);

    // The experiments tab lists the pushed experiment with its params.
    await page.goto(`${server.url}/admin/demo/experiments`);
    const row = page.getByTestId('run-row').filter({ hasText: 'lucid-hare' });
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1);
    expect(await row.textContent()).toContain('0.05');
    expect(await row.textContent()).toContain('0.97');
    // …and the master commits as runs too.
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 30_000 }).toBe(11);
    // Its page lists the output hashes dvc.lock records.
    await row.getByRole('link', { name: 'lucid-hare' }).click();
    await expect.poll(() => text(page, 'run-outs'), { timeout: 30_000 }).toContain(`model.pkl${md5('model99')}`);
    expect(await text(page, 'run-outs')).toContain(`data/prepared${md5('prep0')}.dir`);

    // A branch pushed after the clone is fetched when its URL is opened online.
    await git('switch', '-q', '-c', 'feature/late');
    fs.writeFileSync(path.join(work, 'LATE.md'), 'late\n');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Late work');
    await git('push', '-q', push('demo'), 'feature/late');
    await page.goto(`${server.url}/admin/demo/tree/feature/late`);
    await expect
      .poll(() => page.$$eval('[data-testid="entry"] .entry-name', (els) => els.map((e) => e.textContent)), {
        timeout: 30_000,
      })
      .toContain('LATE.md');

    // Signed in as its admin, the default branch can be changed here; the server follows.
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/admin/demo`);
    await page.getByTestId('default-branch-select').waitFor();
    // The page stays while the repository is read again (watchForBlanking says why).
    await watchForBlanking(page);
    await page.getByTestId('default-branch-select').selectOption('feature/late');
    await page.getByTestId('default-branch-save').click();
    await expect
      .poll(() => text(page, 'default-branch-message'), { timeout: 30_000 })
      .toBe('feature/late is now the default branch.');
    expect(await text(page, 'default-branch-name')).toBe('feature/late');
    const after = await fetch(`${server.url}/api/v1/repos/admin/demo`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(((await after.json()) as { defaultBranch: string | null }).defaultBranch).toBe('feature/late');
    await page.getByTestId('default-branch-select').selectOption('master');
    await page.getByTestId('default-branch-save').click();
    await expect.poll(() => text(page, 'default-branch-name'), { timeout: 30_000 }).toBe('master');
    expect(await blanked(page)).toEqual([]);

    // Offline: the same pages open from this device.
    await chrome.context.setOffline(true);
    try {
      await page.goto(notebookUrl);
      await expect.poll(() => text(page, 'file'), { timeout: 30_000 }).toContain('Accuracy by epoch');
      await page.goto(`${server.url}/admin/demo/commits/master`);
      await expect.poll(() => page.getByTestId('commit-row').count(), { timeout: 30_000 }).toBe(10);
      await page.goto(`${server.url}/admin/demo/commit/${shortId}`);
      await expect.poll(() => text(page, 'commit-summary'), { timeout: 30_000 }).toBe(shortSummary);
      await page.goto(`${server.url}/admin/demo/experiments`);
      await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1);
      // What is not here yet says so, instead of claiming it does not exist.
      await page.goto(`${server.url}/admin/demo/tree/not-fetched-yet`);
      const missing = page.getByTestId('browse-error');
      await expect.poll(() => missing.getAttribute('data-code'), { timeout: 30_000 }).toBe('not_on_device');
      expect(await missing.textContent()).toContain('is not on this device yet');
      await page.goto(`${server.url}/admin/demo/commit/0123abc`);
      await expect.poll(() => text(page, 'commit-error'), { timeout: 30_000 }).toContain('not on this device yet');
    } finally {
      await chrome.context.setOffline(false);
    }
    // Online again, a commit id nobody has is reported as not existing anywhere.
    await page.goto(`${server.url}/admin/demo/commit/0123abc`);
    await expect
      .poll(() => text(page, 'commit-error'), { timeout: 30_000 })
      .toContain('on this device or on the server');
    expect(errors).toEqual([]);
  });

  it('opens a repository whose only branch is develop and whose server HEAD dangles, and says so', async () => {
    expect((await createRepo(server.url, ADMIN_TOKEN, { name: 'lab', private: false })).status).toBe(201);
    const work = path.join(tmp, 'lab');
    const git = await makeProject(work, home, 'develop', 4, false);
    await git('push', '-q', push('lab'), 'develop');
    // Whatever the server made HEAD, make it name a branch that does not exist.
    const bare = fs
      .readdirSync(path.join(server.dataDir, 'git'))
      .map((d) => path.join(server.dataDir, 'git', d))
      .find((d) => fs.existsSync(path.join(d, 'refs', 'heads', 'develop')) || packedHas(d, 'refs/heads/develop'));
    expect(bare).toBeTruthy();
    fs.writeFileSync(path.join(bare as string, 'HEAD'), 'ref: refs/heads/gone\n');

    const page = await chrome.context.newPage();
    // A shared link straight to the experiments tab, on a device that never opened the
    // repository: the page clones it itself. Metrics that DVC keeps out of git are shown as such.
    await page.goto(`${server.url}/admin/lab/experiments`);
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 60_000 }).toBe(4);
    expect(await page.getByTestId('run-row').first().textContent()).toContain('in DVC data');

    await page.goto(`${server.url}/admin/lab`);
    await expect.poll(() => page.getByTestId('entry').count(), { timeout: 60_000 }).toBeGreaterThan(3);
    expect(await text(page, 'default-branch-name')).toBe('develop');
    expect(await text(page, 'head-fallback')).toContain('names no branch that exists');
    expect(await text(page, 'head-fallback')).toContain('its only branch');

    await page.goto(`${server.url}/admin/lab/blob/develop/params.yaml`);
    await expect.poll(() => text(page, 'file'), { timeout: 30_000 }).toContain('epochs: 13');
    await page.goto(`${server.url}/admin/lab/commits/HEAD`);
    await expect.poll(() => page.getByTestId('commit-row').count(), { timeout: 30_000 }).toBe(4);

    await chrome.context.setOffline(true);
    try {
      await page.goto(`${server.url}/admin/lab/blob/develop/params.yaml`);
      await expect.poll(() => text(page, 'file'), { timeout: 30_000 }).toContain('epochs: 13');
      await page.goto(`${server.url}/admin/lab/commits/HEAD`);
      await expect.poll(() => page.getByTestId('commit-row').count(), { timeout: 30_000 }).toBe(4);
      await page.goto(`${server.url}/admin/lab/experiments`);
      await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 60_000 }).toBe(4);
    } finally {
      await chrome.context.setOffline(false);
    }
  });

  it('shows an empty repository how to push to it, and a tags-only one its tags', async () => {
    expect((await createRepo(server.url, ADMIN_TOKEN, { name: 'blank', private: false })).status).toBe(201);
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/admin/blank`);
    await page.getByTestId('empty-repo').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('clone-url').inputValue()).toBe(`${server.url}/admin/blank.git`);
    expect(await text(page, 'push-existing')).toContain(`git remote add origin ${server.url}/admin/blank.git`);

    expect((await createRepo(server.url, ADMIN_TOKEN, { name: 'releases', private: false })).status).toBe(201);
    const work = path.join(tmp, 'releases');
    const git = await makeProject(work, home, 'main', 2, true);
    await git('tag', 'v0.1', 'HEAD~1');
    await git('tag', 'v0.2');
    await git('push', '-q', push('releases'), 'v0.1', 'v0.2');
    await page.goto(`${server.url}/admin/releases`);
    await page.getByTestId('tags-only-repo').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('landing-tag').allTextContents()).toEqual(['v0.1', 'v0.2']);
    await page.getByTestId('landing-tag').last().click();
    await expect
      .poll(() => page.$$eval('[data-testid="entry"] .entry-name', (els) => els.map((e) => e.textContent)), {
        timeout: 30_000,
      })
      .toContain('dvc.yaml');
  });
});

function packedHas(gitDir: string, ref: string): boolean {
  const packed = path.join(gitDir, 'packed-refs');
  return fs.existsSync(packed) && fs.readFileSync(packed, 'utf8').includes(` ${ref}\n`);
}
