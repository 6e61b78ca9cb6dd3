import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { saveScreenshots } from '../support/e2e-page.ts';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The Pipeline tab in Chromium, against repositories pushed with the real git CLI:
 * - the seeded demo's pipeline (stages, `.dvc` sources, edges);
 * - a DVC 3 project with a second dvc.yaml in a folder, whose next commit changes one param:
 *   the stage reading it and everything downstream are out of date with "params changed", the
 *   stage upstream is not; the diff of the two commits names the changed stage and the param;
 * - a DVC 2-era project (no `hash: md5`, CRLF text files hashed the legacy way) up to date;
 * - a branch with an invalid folder/dvc.yaml: its error with file:line:column, the rest drawn;
 * - example-get-started's real history (DVC 2 era, then DVC 3): its graph and the diff;
 * - a history where one commit changes only one stage's command: each stage's panel names the
 *   commit that last changed it, past a later commit that edited dvc.yaml only around the stages.
 * Set PIPELINE_SHOTS=DIR to also save screenshots (1400 and 390 px, light and dark).
 */
const ADMIN_PASSWORD = 'e2e-admin-password-pipeline';
const ADMIN_TOKEN = 'e2e-admin-token-pipeline-0123456789';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const md5 = (b: Buffer | string) => crypto.createHash('md5').update(b).digest('hex');
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'example-get-started');

/** DVC's directory hash: md5 of the sorted `[{"md5": …, "relpath": …}]` manifest, plus `.dir`. */
function dirMd5(files: Record<string, string>): string {
  const entries = Object.keys(files)
    .sort()
    .map((rel) => `{"md5": "${md5(files[rel]!)}", "relpath": "${rel}"}`);
  return `${md5(`[${entries.join(', ')}]`)}.dir`;
}

function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), body);
  }
}

const SRC = {
  'src/prepare.py': 'import sys\nprint("prepare", sys.argv)\n',
  'src/train.py': 'import yaml\nprint("train")\n',
  'src/evaluate.py': 'import json\nprint("evaluate")\n',
};
const LIB = { 'features.py': 'def features(x):\n    return x\n', 'io.py': 'def load(p):\n    return open(p)\n' };
const METRICS = '{"auc": 0.91}\n';
const SUMMARY = '# Summary\nauc 0.91\n';

const params = (lr: number) => `prepare:\n  split: 0.2\ntrain:\n  lr: ${lr}\n  epochs: 10\n`;

const DVC_YAML = `stages:
  prepare:
    cmd: python src/prepare.py data/raw.csv
    deps:
    - data/raw.csv
    - src/prepare.py
    params:
    - prepare.split
    outs:
    - data/prepared
  train:
    cmd: python src/train.py
    deps:
    - data/prepared
    - src/train.py
    - src/lib
    params:
    - train.lr
    - train.epochs
    outs:
    - model.pkl
  evaluate:
    cmd: python src/evaluate.py
    deps:
    - model.pkl
    - src/evaluate.py
    metrics:
    - metrics.json:
        cache: false
`;
const REPORTS_YAML = `stages:
  summary:
    cmd: python make_summary.py ../metrics.json
    deps:
    - ../metrics.json
    outs:
    - summary.md:
        cache: false
`;
const RAW_BYTES = 'raw data bytes';
const RAW = md5(RAW_BYTES);
const PREPARED = `${md5('prepared')}.dir`;
const MODEL = md5('model');

function lockText(): string {
  const e = (p: string, h: string, extra = '') => `    - path: ${p}\n      hash: md5\n      md5: ${h}\n${extra}`;
  return `schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py data/raw.csv
    deps:
${e('data/raw.csv', RAW, '      size: 14\n')}${e('src/prepare.py', md5(SRC['src/prepare.py']))}    params:
      params.yaml:
        prepare.split: 0.2
    outs:
${e('data/prepared', PREPARED, '      size: 300\n      nfiles: 2\n')}  train:
    cmd: python src/train.py
    deps:
${e('data/prepared', PREPARED, '      size: 300\n      nfiles: 2\n')}${e('src/train.py', md5(SRC['src/train.py']))}${e('src/lib', dirMd5(LIB), '      nfiles: 2\n')}    params:
      params.yaml:
        train.epochs: 10
        train.lr: 0.01
    outs:
${e('model.pkl', MODEL, '      size: 5\n')}  evaluate:
    cmd: python src/evaluate.py
    deps:
${e('model.pkl', MODEL, '      size: 5\n')}${e('src/evaluate.py', md5(SRC['src/evaluate.py']))}    outs:
${e('metrics.json', md5(METRICS))}`;
}
const REPORTS_LOCK = `schema: '2.0'
stages:
  summary:
    cmd: python make_summary.py ../metrics.json
    deps:
    - path: ../metrics.json
      hash: md5
      md5: ${md5(METRICS)}
    outs:
    - path: summary.md
      hash: md5
      md5: ${md5(SUMMARY)}
`;

// A DVC 2-era project: no `hash: md5`, text files with CRLF hashed as their LF form.
const CRLF_SCRIPT = 'import csv\r\nprint("clean")\r\n';
const CRLF_LABELS = 'id,label\r\n1,cat\r\n2,dog\r\n';
const lf = (s: string) => s.replace(/\r\n/g, '\n');
const LEGACY_LOCK = `schema: '2.0'
stages:
  clean:
    cmd: python src/clean.py
    deps:
    - path: data/labels.csv
      md5: ${md5(lf(CRLF_LABELS))}
      size: ${CRLF_LABELS.length}
    - path: src/clean.py
      md5: ${md5(lf(CRLF_SCRIPT))}
      size: ${CRLF_SCRIPT.length}
    outs:
    - path: data/clean
      md5: ${md5('clean')}.dir
      size: 120
      nfiles: 3
`;

describe.skipIf(!e2eAvailable())('the Pipeline tab in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let tmp: string;
  let page: Page;
  let home: string;
  const commits: Record<string, string> = {};

  const shots = process.env.PIPELINE_SHOTS;
  const screenshot = (name: string) =>
    saveScreenshots(page, shots, name, {
      fullPage: true,
      // The graph is laid out for the width it opens at: reload, as a person on that screen would.
      settle: async (p) => {
        await p.reload();
        await p.getByTestId('pipeline-graph').and(p.locator('[data-ready="true"]')).waitFor();
      },
    });

  async function git(cwd: string, ...args: string[]): Promise<string> {
    const r = await runGit(args, { home, cwd });
    expect(r.code, r.out).toBe(0);
    return r.stdout.trim();
  }

  async function pushNewRepo(name: string, work: string): Promise<void> {
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, private: false }),
    });
    expect(created.status).toBe(201);
    const host = new URL(server.url).host;
    await git(work, 'push', '-q', `http://admin:${ADMIN_TOKEN}@${host}/admin/${name}.git`, 'main');
  }

  async function commitAll(work: string, message: string): Promise<string> {
    await git(work, 'add', '-A');
    await git(work, 'commit', '-q', '-m', message);
    return git(work, 'rev-parse', 'HEAD');
  }

  async function openPipeline(url: string): Promise<void> {
    await page.goto(url);
    await page.getByTestId('pipeline-graph').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
  }
  const nodes = () => page.getByTestId('graph-node').locator('button').allTextContents();
  const edges = () => page.getByTestId('graph-edge').allTextContents();
  /** Picks a node from the graph's text list (what a keyboard or screen-reader user does). */
  async function pick(label: string): Promise<void> {
    await page.getByTestId('graph-text').evaluate((d) => {
      (d as HTMLDetailsElement).open = true;
    });
    await page.getByTestId('graph-node').getByRole('button', { name: label, exact: true }).click();
  }
  const stateOf = (label: string) =>
    page.locator(`[data-testid="graph-node"][data-label="${label}"]`).getAttribute('data-state');

  beforeAll(async () => {
    server = await startTestServer({
      CAIRN_DEMO: '1',
      CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    chrome = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-pipeline-e2e-'));
    home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    page = await chrome.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    page.on('pageerror', (error) => console.error('page error:', error.message));

    // A DVC 3 project: two dvc.yaml files, a `.dvc` source, a folder dep, a param change.
    const shapes = path.join(tmp, 'shapes');
    fs.mkdirSync(shapes);
    await git(shapes, 'init', '-q', '-b', 'main');
    write(shapes, {
      ...SRC,
      ...Object.fromEntries(Object.entries(LIB).map(([k, v]) => [`src/lib/${k}`, v])),
      'params.yaml': params(0.01),
      'dvc.yaml': DVC_YAML,
      'dvc.lock': lockText(),
      'metrics.json': METRICS,
      'data/raw.csv.dvc': `outs:\n- md5: ${RAW}\n  size: 14\n  hash: md5\n  path: raw.csv\n`,
      'data/.gitignore': '/raw.csv\n/prepared\n',
      '.gitignore': '/model.pkl\n',
      'reports/dvc.yaml': REPORTS_YAML,
      'reports/dvc.lock': REPORTS_LOCK,
      'reports/summary.md': SUMMARY,
    });
    commits.clean = await commitAll(shapes, 'Pipeline run: everything up to date');
    write(shapes, { 'params.yaml': params(0.02) });
    commits.lr = await commitAll(shapes, 'Try a higher learning rate');
    await pushNewRepo('shapes', shapes);
    write(shapes, { 'reports/dvc.yaml': 'stages:\n  summary:\n    cmd: [unclosed\n    deps: x\n' });
    await commitAll(shapes, 'Break the reports dvc.yaml');
    await pushNewRepo('shapes-broken', shapes);

    // A DVC 2-era project with CRLF text deps.
    const legacy = path.join(tmp, 'legacy');
    fs.mkdirSync(legacy);
    await git(legacy, 'init', '-q', '-b', 'main');
    await git(legacy, 'config', 'core.autocrlf', 'false');
    write(legacy, {
      'src/clean.py': CRLF_SCRIPT,
      'data/labels.csv': CRLF_LABELS,
      'dvc.yaml':
        'stages:\n  clean:\n    cmd: python src/clean.py\n    deps:\n    - data/labels.csv\n    - src/clean.py\n    outs:\n    - data/clean\n',
      'dvc.lock': LEGACY_LOCK,
      '.gitattributes': '* -text\n',
    });
    await commitAll(legacy, 'DVC 2 pipeline');
    await pushNewRepo('legacy', legacy);

    // example-get-started's history: its DVC 2-era snapshot, then the DVC 3 one.
    const real = path.join(tmp, 'get-started');
    fs.mkdirSync(real);
    await git(real, 'init', '-q', '-b', 'main');
    fs.cpSync(path.join(FIXTURES, 'dvc2-799c9ad'), real, { recursive: true });
    commits.realOld = await commitAll(real, 'DVC 2 era (799c9ad)');
    for (const f of fs.readdirSync(real)) if (f !== '.git') fs.rmSync(path.join(real, f), { recursive: true });
    fs.cpSync(path.join(FIXTURES, 'main'), real, { recursive: true });
    commits.realNew = await commitAll(real, 'DVC 3');
    await pushNewRepo('get-started', real);
  }, 120_000);

  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("draws the demo repository's stages, data sources and edges", async () => {
    await openPipeline(`${server.url}/demo/segmentation/pipeline`);
    expect((await nodes()).sort()).toEqual(
      ['data/raw/annotations.csv.dvc', 'data/raw/images.dvc', 'evaluate', 'prepare', 'train'].sort(),
    );
    expect((await edges()).sort()).toEqual(
      [
        'data/raw/annotations.csv.dvc → prepare',
        'data/raw/images.dvc → prepare',
        'prepare → train',
        'prepare → evaluate',
        'train → evaluate',
      ].sort(),
    );
    await screenshot('demo');
    // Files view: the data, code and params files around the stages.
    await page.getByRole('button', { name: 'Both', exact: true }).click();
    await expect.poll(nodes).toContain('params.yml');
    expect(await nodes()).toContain('models/model.pkl');
    expect(await edges()).toContain('prepare → data/prepared');
    await screenshot('demo-both');
  }, 120_000);

  it('shows the stage whose param changed and everything downstream out of date, not upstream', async () => {
    const base = `${server.url}/admin/shapes/pipeline`;
    await openPipeline(`${base}/${commits.clean}`);
    await expect(page.getByTestId('stale-banner').textContent()).resolves.toContain('All 4 stages are up to date');
    // The metrics file kept in git: its values in the stage's panel.
    await pick('evaluate');
    await expect(page.getByTestId('node-panel').getByTestId('metric-values').textContent()).resolves.toBe('auc0.91');
    await page.getByRole('button', { name: 'Close details' }).click();
    expect((await nodes()).sort()).toEqual(
      ['data/raw.csv.dvc', 'evaluate', 'prepare', 'reports/dvc.yaml:summary', 'train'].sort(),
    );
    expect(await edges()).toContain('evaluate → reports/dvc.yaml:summary');

    await openPipeline(base); // the default branch: the commit with the new learning rate
    const banner = page.getByTestId('stale-banner');
    await expect(banner.textContent()).resolves.toContain('3 of 4 stages are out of date — cairn repro');
    expect(await stateOf('prepare')).toBe('up_to_date');
    expect(await stateOf('train')).toBe('changed');
    expect(await stateOf('evaluate')).toBe('changed');
    expect(await stateOf('reports/dvc.yaml:summary')).toBe('changed');

    await pick('train');
    await page.waitForURL(/[?&]node=train/);
    const panel = page.getByTestId('panel-status');
    await expect(panel.textContent()).resolves.toContain('params changed: train.lr 0.01 → 0.02');
    // The folder dep is hashed from its blobs as DVC hashes a directory: unchanged.
    expect(await panel.textContent()).not.toContain('src/lib');
    await screenshot('stale-train');

    await pick('evaluate');
    await expect(page.getByTestId('panel-status').textContent()).resolves.toContain('upstream changed: train');
    expect(await page.getByTestId('panel-status').textContent()).not.toContain('params changed');
  }, 120_000);

  it('compares the pipeline of two commits: the changed stage and what changed', async () => {
    await openPipeline(`${server.url}/admin/shapes/pipeline/main?compare=${commits.clean}`);
    const changed = page.getByTestId('diff-stage');
    await expect(changed.allTextContents()).resolves.toHaveLength(1);
    expect(await changed.first().textContent()).toContain('train');
    expect(await changed.first().getAttribute('data-change')).toBe('changed');
    await changed.first().getByRole('button').click();
    await expect(page.getByTestId('panel-diff').textContent()).resolves.toContain(
      'param params.yaml:train.lr: 0.01 → 0.02',
    );
    await screenshot('diff');
  }, 120_000);

  it('shows a DVC 2-era pipeline (legacy hashes, CRLF files) up to date', async () => {
    await openPipeline(`${server.url}/admin/legacy/pipeline`);
    await expect(page.getByTestId('stale-banner').textContent()).resolves.toContain('All 1 stage is up to date');
    expect(await stateOf('clean')).toBe('up_to_date');
  }, 120_000);

  it('shows an invalid dvc.yaml with its file, line and column, and draws the rest', async () => {
    await openPipeline(`${server.url}/admin/shapes-broken/pipeline`);
    const problem = page.getByTestId('pipeline-problem');
    await expect(problem.first().textContent()).resolves.toMatch(/reports\/dvc\.yaml:\d+:\d+/);
    expect(await nodes()).toEqual(expect.arrayContaining(['prepare', 'train', 'evaluate']));
    expect(await nodes()).not.toContain('reports/dvc.yaml:summary');
    await screenshot('invalid');
    // Against the commit that still had it, the stage the broken file lost is drawn, marked removed.
    await openPipeline(`${server.url}/admin/shapes-broken/pipeline?compare=${commits.clean}`);
    const removed = page.getByTestId('diff-stage').filter({ hasText: 'reports/dvc.yaml:summary' });
    await expect(removed.getAttribute('data-change')).resolves.toBe('removed');
    expect(await nodes()).toContain('reports/dvc.yaml:summary');
    expect(await edges()).toContain('evaluate → reports/dvc.yaml:summary');
    await expect(page.getByTestId('pipeline-graph').getAttribute('data-removed')).resolves.toBe('1');
    await screenshot('diff-removed');
  }, 120_000);

  it("draws example-get-started's real pipeline at both eras and diffs them", async () => {
    await openPipeline(`${server.url}/admin/get-started/pipeline/${commits.realNew}`);
    expect((await nodes()).sort()).toEqual(['data/data.xml.dvc', 'evaluate', 'featurize', 'prepare', 'train'].sort());
    expect((await edges()).sort()).toEqual(
      [
        'data/data.xml.dvc → prepare',
        'prepare → featurize',
        'featurize → train',
        'featurize → evaluate',
        'train → evaluate',
      ].sort(),
    );
    await openPipeline(`${server.url}/admin/get-started/pipeline/${commits.realNew}?compare=${commits.realOld}`);
    const evaluate = page.getByTestId('diff-stage').filter({ hasText: 'evaluate' });
    await expect(evaluate.getAttribute('data-change')).resolves.toBe('changed');
    expect(await evaluate.textContent()).toContain('outs');
  }, 120_000);
  it('draws a large matrix stage as one group node, expands it stage by stage and collapses it again', async () => {
    const work = path.join(tmp, 'matrix');
    fs.mkdirSync(work);
    await git(work, 'init', '-q', '-b', 'main');
    write(work, {
      'prepare.py': 'print("prepare")\n',
      'train.py': 'print("train")\n',
      'dvc.yaml': `stages:
  prepare:
    cmd: python prepare.py
    deps:
    - prepare.py
    outs:
    - data/prepared
  train:
    matrix:
      model: [cnn, mlp]
      fold: [0, 1, 2, 3, 4, 5, 6]
    cmd: python train.py \${item.model} \${item.fold}
    deps:
    - data/prepared
    - train.py
    outs:
    - models/\${item.model}-\${item.fold}.pkl
`,
    });
    await commitAll(work, 'A 14-stage matrix');
    await pushNewRepo('matrix', work);

    // 14 stages: more than the page draws one by one by default.
    await openPipeline(`${server.url}/admin/matrix/pipeline`);
    expect((await nodes()).sort()).toEqual(['prepare', 'train (foreach/matrix)']);
    expect(await edges()).toEqual(['prepare → train (foreach/matrix)']);
    await expect(page.getByTestId('pipeline-graph').getAttribute('data-nodes')).resolves.toBe('2');

    await pick('train (foreach/matrix)');
    await page.getByRole('button', { name: 'Expand the group' }).click();
    await page.getByTestId('pipeline-graph').and(page.locator('[data-nodes="15"][data-ready="true"]')).waitFor();
    expect(new URL(page.url()).searchParams.get('expand')).toBe('group:dvc.yaml:train');
    const expanded = await nodes();
    expect(expanded).toHaveLength(15);
    expect(expanded).toContain('train@cnn-0');
    expect(expanded).toContain('train@mlp-6');
    expect(await edges()).toContain('prepare → train@mlp-6');
    await screenshot('matrix-expanded');

    // The expanded group survives a reload (it is in the URL); any of its stages collapses it.
    await page.reload();
    await page.getByTestId('pipeline-graph').and(page.locator('[data-nodes="15"][data-ready="true"]')).waitFor();
    await pick('train@cnn-3');
    await page.getByRole('button', { name: 'Collapse the group' }).click();
    await page.getByTestId('pipeline-graph').and(page.locator('[data-nodes="2"][data-ready="true"]')).waitFor();
    expect((await nodes()).sort()).toEqual(['prepare', 'train (foreach/matrix)']);
    expect(new URL(page.url()).searchParams.get('expand')).toBeNull();
  }, 120_000);

  it('names the commit that last changed each stage, linked to that commit', async () => {
    const work = path.join(tmp, 'history');
    fs.mkdirSync(work);
    await git(work, 'init', '-q', '-b', 'main');
    const yaml = (epochs: number) => `stages:
  prepare:
    cmd: python prepare.py
    deps:
    - prepare.py
    outs:
    - data/prepared
  train:
    cmd: python train.py --epochs ${epochs}
    deps:
    - data/prepared
    outs:
    - model.pkl
`;
    const lock = (epochs: number, model: string) => `schema: '2.0'
stages:
  prepare:
    cmd: python prepare.py
    deps:
    - path: prepare.py
      hash: md5
      md5: ${md5('print("prepare")\n')}
      size: 17
    outs:
    - path: data/prepared
      hash: md5
      md5: ${PREPARED}
      size: 300
      nfiles: 2
  train:
    cmd: python train.py --epochs ${epochs}
    deps:
    - path: data/prepared
      hash: md5
      md5: ${PREPARED}
      size: 300
      nfiles: 2
    outs:
    - path: model.pkl
      hash: md5
      md5: ${md5(model)}
      size: ${model.length}
`;
    write(work, {
      'prepare.py': 'print("prepare")\n',
      'train.py': 'print("train")\n',
      'dvc.yaml': yaml(10),
      'dvc.lock': lock(10, 'model v1'),
    });
    const first = await commitAll(work, 'First pipeline run');
    write(work, { 'dvc.yaml': yaml(20), 'dvc.lock': lock(20, 'model v2') });
    const second = await commitAll(work, 'Train for 20 epochs');
    // Edits to dvc.yaml around the stages (a comment) and to other files change no stage.
    write(work, { 'dvc.yaml': `# Two stages: prepare, then train.\n${yaml(20)}`, 'README.md': '# Shapes\n' });
    await commitAll(work, 'Describe the pipeline');
    await pushNewRepo('history', work);

    await openPipeline(`${server.url}/admin/history/pipeline`);
    const lastChange = page.getByTestId('node-panel').getByTestId('last-change');
    await pick('train');
    await expect.poll(() => lastChange.textContent()).toContain(second.slice(0, 7));
    expect(await lastChange.textContent()).toContain('Train for 20 epochs');
    expect(await lastChange.textContent()).toContain('its dvc.yaml and dvc.lock entries');
    expect(await lastChange.textContent()).toContain('T ·'); // the author (test/support/git-cli.ts)
    await screenshot('last-change-train');

    await pick('prepare');
    await expect.poll(() => lastChange.textContent()).toContain(first.slice(0, 7));
    expect(await lastChange.textContent()).toContain('First pipeline run');
    // The link opens that commit's page.
    await lastChange.getByRole('link').click();
    await page.waitForURL(`${server.url}/admin/history/commit/${first}`);

    // From the first commit, train's answer is that commit.
    await openPipeline(`${server.url}/admin/history/pipeline/${first}?node=train`);
    await expect.poll(() => lastChange.textContent()).toContain(first.slice(0, 7));
  }, 120_000);

  it("says which outputs' objects are not on the server (one batch call) and which are", async () => {
    // shapes' data/raw.csv was never pushed to the server's DVC remote.
    await openPipeline(`${server.url}/admin/shapes/pipeline/${commits.clean}`);
    await pick('data/raw.csv.dvc');
    const mark = page.getByTestId('node-panel').getByTestId('remote-mark');
    await expect.poll(() => mark.textContent()).toContain('not pushed');
    // Push the object with the DVC remote protocol, as `dvc push` does: the same panel then says so.
    const put = await fetch(`${server.url}/admin/shapes.dvc/files/md5/${RAW.slice(0, 2)}/${RAW.slice(2)}`, {
      method: 'PUT',
      headers: auth,
      body: RAW_BYTES,
    });
    expect(put.status, await put.text()).toBeLessThan(300);
    await page.reload();
    await page.getByTestId('pipeline-graph').and(page.locator('[data-ready="true"]')).waitFor();
    await expect.poll(() => mark.textContent()).toContain('on the remote');
  }, 120_000);
});
