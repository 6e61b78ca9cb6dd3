/**
 * The Models, Data and Notebooks tabs in Chromium on the seeded demo repository. Models: two
 * demo runs get a model (MLmodel + model.pkl) uploaded through the artifact proxy and are
 * registered through the REST API as the Python client would; the tab shows the model, its alias
 * and versions with their source run; moving the alias in the app is seen by the API. Data: every
 * `.dvc` and `dvc.lock` output of the demo's HEAD is listed with the size its pointer records
 * (read here with core from a real `git clone`), and a pointer pushed by `git` without its data
 * shows as not pushed. Notebooks: the demo notebook is listed with its title and opens in
 * the viewer. All three reload offline after one visit.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDvcFile, parseDvcLock } from '../../packages/core/src/index.ts';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { blanked, signIn, watchForBlanking } from '../support/e2e-page.ts';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ADMIN_PASSWORD = 'models-tab-password';
const ADMIN_TOKEN = 'cairn_test_admin_token_models_tab1';
// biome-ignore lint/suspicious/noExplicitAny: MLflow JSON read loosely.
type Json = any;

describe.skipIf(!e2eAvailable())('models, data and notebooks tabs of the demo repository', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let mlBase: string;
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  async function ml(method: string, endpoint: string, body: Record<string, unknown> = {}): Promise<Json> {
    const url =
      method === 'GET'
        ? `${mlBase}/api/2.0/mlflow/${endpoint}?${new URLSearchParams(body as Record<string, string>)}`
        : `${mlBase}/api/2.0/mlflow/${endpoint}`;
    const res = await fetch(url, {
      method,
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json;
  }

  beforeAll(async () => {
    server = await startTestServer({
      CAIRN_DEMO: '1',
      CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    mlBase = `${server.url}/demo/segmentation.mlflow`;
    // A collaborator commits a .dvc pointer and pushes the commit but not the data: the Data tab
    // must show that output as not pushed.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-data-unpushed-'));
    try {
      const url = `${server.url.replace('://', `://admin:${ADMIN_TOKEN}@`)}/demo/segmentation.git`;
      expect((await runGit(['clone', '-q', url, 'w'], { home, cwd: home })).code).toBe(0);
      const content = 'id,label\n1,cat\n2,dog\n';
      const md5 = createHash('md5').update(content).digest('hex');
      fs.writeFileSync(
        path.join(home, 'w', 'data', 'labels-extra.csv.dvc'),
        `outs:\n- md5: ${md5}\n  size: ${Buffer.byteLength(content)}\n  hash: md5\n  path: labels-extra.csv\n`,
      );
      const cwd = path.join(home, 'w');
      expect((await runGit(['add', 'data/labels-extra.csv.dvc'], { home, cwd })).code).toBe(0);
      expect((await runGit(['commit', '-qm', 'Track extra labels (data not pushed)'], { home, cwd })).code).toBe(0);
      const pushed = await runGit(['push', '-q', 'origin', 'HEAD'], { home, cwd });
      expect(pushed.code, pushed.out).toBe(0);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('shows a model registered through the API, moves its alias, and reloads offline', async () => {
    const search = await ml('POST', 'runs/search', { experiment_ids: ['1', '2'], max_results: 2 });
    const runs: Json[] = search.runs;
    expect(runs).toHaveLength(2);
    for (const [i, run] of runs.entries()) {
      const root = run.info.artifact_uri.replace('mlflow-artifacts:/', '');
      for (const [file, body] of [
        [
          'MLmodel',
          `artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    python_version: 3.11.6\n  sklearn:\n    sklearn_version: 1.4.2\nrun_id: ${run.info.run_id}\n`,
        ],
        ['model.pkl', `weights-${i}`.repeat(100)],
      ]) {
        const put = await fetch(`${mlBase}/api/2.0/mlflow-artifacts/artifacts/${root}/model/${file}`, {
          method: 'PUT',
          headers: auth,
          body,
        });
        expect(put.status).toBe(200);
      }
    }
    await ml('POST', 'registered-models/create', { name: 'seg-unet', description: 'U-Net for the demo masks' });
    for (const run of runs)
      await ml('POST', 'model-versions/create', {
        name: 'seg-unet',
        source: `runs:/${run.info.run_id}/model`,
        run_id: run.info.run_id,
      });
    await ml('POST', 'registered-models/alias', { name: 'seg-unet', alias: 'champion', version: '1' });

    const page = await chrome.context.newPage();
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    // The run store is filled by the experiments tab (the run feed): visit it once.
    await page.goto(`${server.url}/demo/segmentation/experiments`);
    await expect.poll(() => page.getByTestId('runs-status').textContent(), { timeout: 30_000 }).toMatch(/of 36 runs/);

    await page.goto(`${server.url}/demo/segmentation/models`);
    const row = page.locator('[data-testid=model-row][data-name=seg-unet]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('alias').textContent()).toBe('@champion → v1');
    expect(await row.getByTestId('latest-version').textContent()).toBe('Version 2');
    // The demo's DVC-tracked model file, with the stage that made it.
    await page.getByTestId('dvc-model-row').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('dvc-models-table').textContent()).toMatch(/models\/model\.pkl.*stage train/);

    await row.getByRole('link', { name: 'seg-unet' }).click();
    await page.getByTestId('versions-table').waitFor();
    expect(await page.getByTestId('version-row').count()).toBe(2);
    const runName = runs[0].info.run_name as string;
    expect(await page.locator('[data-testid=version-row][data-version="1"]').textContent()).toContain(runName);

    // Move @champion to version 2 in the app; the API sees it. The page stays meanwhile.
    await watchForBlanking(page);
    const form = page.getByTestId('alias-form');
    await form.locator('input[name=alias]').fill('champion');
    await form.locator('select[name=version]').selectOption('2');
    await form.getByRole('button', { name: 'Set alias' }).click();
    await expect.poll(() => page.getByTestId('alias-message').textContent()).toContain('now points at version 2');
    const byAlias = await ml('GET', 'registered-models/alias', { name: 'seg-unet', alias: 'champion' });
    expect(byAlias.model_version.version).toBe('2');
    expect(await blanked(page)).toEqual([]);
    await expect
      .poll(() => page.getByTestId('model-page').getByTestId('alias').first().textContent())
      .toBe('@champion → v2');

    // Register a run's artifact folder from its run page, with an alias; the API sees both.
    await page.goto(`${server.url}/demo/segmentation/experiments/runs/${runs[0].info.run_id}`);
    const reg = page.getByTestId('register-model');
    await reg.waitFor({ timeout: 20_000 });
    await expect.poll(() => reg.textContent()).toContain('seg-unet v1');
    await reg.locator('input[name=model]').fill('seg-unet');
    await reg.locator('input[name=alias]').fill('staging');
    // The page stays while the run's models are read again (watchForBlanking says why).
    await watchForBlanking(page);
    await reg.getByRole('button', { name: 'Register model' }).click();
    await expect.poll(() => page.getByTestId('register-message').textContent()).toBe('Registered seg-unet version 3.');
    expect(await blanked(page)).toEqual([]);
    const staged = await ml('GET', 'registered-models/alias', { name: 'seg-unet', alias: 'staging' });
    expect(staged.model_version).toMatchObject({
      version: '3',
      run_id: runs[0].info.run_id,
      source: `runs:/${runs[0].info.run_id}/model`,
    });

    // The version page: source run with its metrics, files, MLmodel rendered.
    await page.goto(`${server.url}/demo/segmentation/models/seg-unet/versions/2`);
    await page.getByTestId('version-title').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('source-run').textContent()).toBe(runs[1].info.run_name);
    expect(await page.getByTestId('run-metric').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('version-files').textContent()).toMatch(/MLmodel.*model\.pkl/);
    expect(await page.getByTestId('flavor').allTextContents()).toEqual(['python_function', 'sklearn 1.4.2']);
    expect(await page.getByTestId('version-page').getByTestId('alias').allTextContents()).toEqual(['@champion']);

    // Offline: the version page and the models list reload from the device.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await chrome.context.setOffline(true);
    try {
      await page.reload();
      await page.getByTestId('version-title').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('flavor').count()).toBe(2);
      expect(await page.getByTestId('source-run').textContent()).toBe(runs[1].info.run_name);
      await page.goto(`${server.url}/demo/segmentation/models`);
      await page.locator('[data-testid=model-row][data-name=seg-unet]').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('alias').first().textContent()).toBe('@champion → v2');
      await expect
        .poll(() => page.getByTestId('registry-synced').textContent(), { timeout: 20_000 })
        .toContain('offline');
    } finally {
      await chrome.context.setOffline(false);
    }
    await page.close();
  });

  it('lists every DVC output with its recorded size, shows an unpushed one, and reloads offline', async () => {
    // What the pointers record, read with core from a real clone.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-data-tab-'));
    const expected = new Map<string, number | undefined>();
    try {
      const r = await runGit(['clone', '-q', `${server.url}/demo/segmentation.git`, 'work'], { home, cwd: home });
      expect(r.code, r.out).toBe(0);
      const work = path.join(home, 'work');
      const walk = (dir: string): string[] =>
        fs
          .readdirSync(dir, { withFileTypes: true })
          .flatMap((e) =>
            e.name === '.git' ? [] : e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
          );
      for (const file of walk(work)) {
        const rel = path.relative(work, file).split(path.sep).join('/');
        const text = fs.readFileSync(file, 'utf8');
        const dir = path.posix.dirname(rel);
        if (rel.endsWith('.dvc')) {
          const parsed = parseDvcFile(text, rel);
          if (parsed.ok)
            for (const o of parsed.value.outs) {
              expected.set(path.posix.join(dir, o.path), o.size);
            }
        } else if (path.posix.basename(rel) === 'dvc.lock') {
          const parsed = parseDvcLock(text, rel);
          if (parsed.ok)
            for (const s of Object.values(parsed.value.stages))
              for (const o of s.outs) {
                expected.set(path.posix.join(dir, o.path), o.size);
              }
        }
      }
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
    expect(expected.size).toBeGreaterThanOrEqual(3);

    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/demo/segmentation/data`);
    await page.getByTestId('data-table').waitFor({ timeout: 60_000 });
    const rows = page.getByTestId('data-row');
    expect(await rows.count()).toBe(expected.size);
    for (const [p, size] of expected) {
      const cell = page.locator(`[data-testid=data-row][data-path="${p}"]`).getByTestId('data-size');
      expect(size, p).toBeDefined();
      expect(await cell.getAttribute('data-bytes'), p).toBe(String(size));
      expect(await cell.textContent(), p).toMatch(/^\d+(\.\d)? (B|kB|MB|GB)$/);
    }
    // Online, every output says whether the remote has it: all pushed but the removed model.
    const remoteOf = (p: string) => page.locator(`[data-testid=data-row][data-path="${p}"] td`).nth(5).textContent();
    const unpushed = 'data/labels-extra.csv';
    expect(expected.has(unpushed)).toBe(true);
    await expect.poll(() => remoteOf(unpushed), { timeout: 30_000 }).toContain('not pushed');
    // Everything else is on the remote, except outputs DVC does not cache (kept in git).
    const remote = new Map<string, string | null>();
    for (const p of expected.keys()) remote.set(p, await remoteOf(p));
    expect(remote.get('models/model.pkl')).toBe('pushed');
    expect(remote.get('metrics.json')).toBe('in git');
    for (const [p, text] of remote) if (p !== unpushed) expect(['pushed', 'in git'], p).toContain(text);
    expect([...remote.values()].filter((t) => t === 'pushed').length).toBeGreaterThanOrEqual(3);
    // Search by path.
    await page.getByLabel('Search paths').fill('model');
    await expect.poll(() => rows.count()).toBe([...expected.keys()].filter((p) => p.includes('model')).length);
    await page.getByLabel('Search paths').fill('');

    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await chrome.context.setOffline(true);
    try {
      await page.reload();
      await page.getByTestId('data-table').waitFor({ timeout: 30_000 });
      expect(await rows.count()).toBe(expected.size);
    } finally {
      await chrome.context.setOffline(false);
    }
    await page.close();
  });

  it('lists the demo notebook with its title, opens it, and reloads offline', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/demo/segmentation/notebooks`);
    const card = page.locator('[data-testid=notebook-card][data-path="notebooks/exploration.ipynb"]');
    await card.waitFor({ timeout: 60_000 });
    expect(await card.getByTestId('notebook-title').textContent()).toBe('Exploring the segmentation annotations');
    expect(await card.textContent()).toMatch(/Python 3.*\d+ cells/);

    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await chrome.context.setOffline(true);
    try {
      await page.reload();
      await card.waitFor({ timeout: 30_000 });
      await card.getByTestId('notebook-title').click();
      await page.waitForURL(/\/demo\/segmentation\/blob\/.+\/notebooks\/exploration\.ipynb$/);
      await expect.poll(() => page.locator('main').textContent(), { timeout: 30_000 }).toContain('What is in');
    } finally {
      await chrome.context.setOffline(false);
    }
    await page.close();
  });
});
