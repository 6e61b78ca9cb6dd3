/**
 * The `cairn` command end to end, as a user runs it: the real binary (bin/cairn.js) in a
 * temporary git repository driven with the real `git` CLI, a 3-stage pipeline of Node scripts,
 * and a DVC HTTP remote served from this process.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlainRemote, startPlainRemote } from './testing/plain-dvc-remote.ts';
import { runCairn } from './testing/run-cairn.ts';

const exec = promisify(execFile);
const cairn = runCairn;

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await exec('git', args, { cwd })).stdout;
}

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

/** Each script appends its stage name to runs.log, so the test sees exactly which stages ran. */
const SCRIPTS: Record<string, string> = {
  'prepare.mjs': `import fs from 'node:fs';
const p = JSON.parse(fs.readFileSync('params.json', 'utf8'));
const rows = fs.readdirSync('data/raw').sort().filter((f) => fs.statSync('data/raw/' + f).isFile()).map((f) => fs.readFileSync('data/raw/' + f, 'utf8').trim());
fs.writeFileSync('prepared.txt', rows.map((r) => r.repeat(p.prepare.factor)).join('\\n') + '\\n');
fs.appendFileSync('runs.log', 'prepare\\n');`,
  'train.mjs': `import fs from 'node:fs';
const p = JSON.parse(fs.readFileSync('params.json', 'utf8'));
const n = fs.readFileSync('prepared.txt', 'utf8').length;
fs.mkdirSync('model', { recursive: true });
fs.writeFileSync('model/weights.bin', Buffer.alloc(64, n * p.train.epochs % 251));
fs.writeFileSync('model/info.txt', 'epochs=' + p.train.epochs + '\\n');
fs.appendFileSync('runs.log', 'train\\n');`,
  'evaluate.mjs': `import fs from 'node:fs';
const w = fs.readFileSync('model/weights.bin');
fs.writeFileSync('metrics.json', JSON.stringify({ score: w[0] / 251 }));
fs.appendFileSync('runs.log', 'evaluate\\n');`,
};

const DVC_YAML = `stages:
  prepare:
    cmd: node prepare.mjs
    deps:
    - data/raw
    - prepare.mjs
    params:
    - params.json:
      - prepare.factor
    outs:
    - prepared.txt
  train:
    cmd: node train.mjs
    deps:
    - prepared.txt
    - train.mjs
    params:
    - params.json:
      - train.epochs
    outs:
    - model
  evaluate:
    cmd: node evaluate.mjs
    deps:
    - model
    - evaluate.mjs
    metrics:
    - metrics.json:
        cache: false
`;

function ranStages(repo: string): string[] {
  const log = path.join(repo, 'runs.log');
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  fs.rmSync(log, { force: true });
  return lines.filter(Boolean);
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out[r] = md5(fs.readFileSync(path.join(d, e.name)));
    }
  };
  walk(dir, '');
  return out;
}

// Each step spawns the CLI a few times; shared 2-core machines make that slow.
describe('cairn CLI end to end', { timeout: 60_000 }, () => {
  let tmp: string;
  let repo: string;
  let remote: PlainRemote;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-cli-'));
    repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    remote = await startPlainRemote(path.join(tmp, 'remote'), { user: 'ada', password: 's3cret' });
    await git(repo, 'init', '-q');
    await git(repo, 'config', 'user.email', 'ada@example.com');
    await git(repo, 'config', 'user.name', 'Ada');
  });

  afterAll(async () => {
    await remote?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses to work outside a repository, like DVC', async () => {
    const r = await cairn(tmp, 'status');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ERROR: you are not inside of a DVC repository');
    const u = await cairn(tmp, 'frobnicate');
    expect(u.code).toBe(2);
  });

  it('init writes what dvc init writes', async () => {
    const r = await cairn(repo, 'init');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(repo, '.dvc/.gitignore'), 'utf8')).toBe('/config.local\n/tmp\n/cache\n');
    expect(fs.existsSync(path.join(repo, '.dvcignore'))).toBe(true);
    expect((await cairn(repo, 'init')).code).toBe(1);
  });

  it('add hashes a folder as DVC 3, caches it and writes data/raw.dvc', async () => {
    fs.mkdirSync(path.join(repo, 'data/raw/empty'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'data/raw/a.txt'), 'alpha\r\n');
    fs.writeFileSync(path.join(repo, 'data/raw/b.txt'), 'beta\n');
    fs.writeFileSync(path.join(repo, 'data/raw/ü.txt'), 'umlaut\n');
    const r = await cairn(repo, 'add', 'data/raw');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('git add data/raw.dvc data/.gitignore');
    // The manifest DVC would write: Python json.dumps(sort_keys=True), ü escaped, CRLF kept raw.
    const manifest = `[{"md5": "${md5('alpha\r\n')}", "relpath": "a.txt"}, {"md5": "${md5('beta\n')}", "relpath": "b.txt"}, {"md5": "${md5('umlaut\n')}", "relpath": "\\u00fc.txt"}]`;
    const oid = `${md5(manifest)}.dir`;
    expect(fs.readFileSync(path.join(repo, 'data/raw.dvc'), 'utf8')).toBe(
      `outs:\n- md5: ${oid}\n  size: 19\n  nfiles: 3\n  hash: md5\n  path: raw\n`,
    );
    expect(fs.readFileSync(path.join(repo, '.dvc/cache/files/md5', oid.slice(0, 2), oid.slice(2)), 'utf8')).toBe(
      manifest,
    );
    expect(
      fs.existsSync(path.join(repo, '.dvc/cache/files/md5', md5('beta\n').slice(0, 2), md5('beta\n').slice(2))),
    ).toBe(true);
    expect(fs.readFileSync(path.join(repo, 'data/.gitignore'), 'utf8')).toBe('/raw\n');
  });

  it('status → repro → status: a new pipeline runs whole, then is up to date', async () => {
    for (const [name, text] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(repo, name), text);
    fs.writeFileSync(path.join(repo, 'params.json'), JSON.stringify({ prepare: { factor: 2 }, train: { epochs: 3 } }));
    fs.writeFileSync(path.join(repo, 'dvc.yaml'), DVC_YAML);
    const before = await cairn(repo, 'status', '--json');
    expect(Object.keys(JSON.parse(before.stdout))).toEqual(['prepare', 'train', 'evaluate']);

    const dag = await cairn(repo, 'dag', '--dot');
    expect(dag.stdout).toContain('"data/raw.dvc" -> "prepare";');
    expect(dag.stdout).toContain('"prepare" -> "train";');
    expect(dag.stdout).toContain('"train" -> "evaluate";');
    expect((await cairn(repo, 'dag', '--mermaid')).stdout).toMatch(/^flowchart TD\n/);

    const r = await cairn(repo, 'repro');
    expect(r.code, r.stderr).toBe(0);
    expect(ranStages(repo)).toEqual(['prepare', 'train', 'evaluate']);
    const lock = fs.readFileSync(path.join(repo, 'dvc.lock'), 'utf8');
    expect(
      lock.startsWith(
        "schema: '2.0'\nstages:\n  prepare:\n    cmd: node prepare.mjs\n    deps:\n    - path: data/raw\n      hash: md5\n",
      ),
    ).toBe(true);
    expect(lock).toContain(`    params:\n      params.json:\n        train.epochs: 3\n`);
    expect(lock).toContain(`    - path: prepare.mjs\n      hash: md5\n      md5: ${md5(SCRIPTS['prepare.mjs']!)}\n`);
    expect(lock).toMatch(/- path: model\n {6}hash: md5\n {6}md5: [0-9a-f]{32}\.dir\n {6}size: \d+\n {6}nfiles: 2\n/);
    expect(fs.readFileSync(path.join(repo, '.gitignore'), 'utf8')).toBe('/prepared.txt\n/model\n');

    const after = await cairn(repo, 'status');
    expect(after.stdout.trim()).toBe('Data and pipelines are up to date.');
    expect((await cairn(repo, 'repro')).stdout).toContain("Stage 'prepare' didn't change, skipping");
    expect(ranStages(repo)).toEqual([]);
    await git(repo, 'add', '.');
    await git(repo, 'commit', '-q', '-m', 'pipeline');
  });

  it('a changed param marks exactly the affected stages, and repro runs only those', async () => {
    fs.writeFileSync(path.join(repo, 'params.json'), JSON.stringify({ prepare: { factor: 2 }, train: { epochs: 5 } }));
    const s = await cairn(repo, 'status');
    expect(s.stdout).toContain('train:\n\tchanged deps:\n\t\tparams.json:\n\t\t\tmodified:           train.epochs');
    const json = JSON.parse((await cairn(repo, 'status', '--json')).stdout);
    expect(Object.keys(json)).toEqual(['train', 'evaluate']);
    expect((await cairn(repo, 'status', '-q')).code).toBe(1);

    const dry = await cairn(repo, 'repro', '--dry');
    expect(dry.stdout).toContain("Running stage 'train'");
    expect(ranStages(repo)).toEqual([]);

    const r = await cairn(repo, 'repro');
    expect(r.code, r.stderr).toBe(0);
    expect(ranStages(repo)).toEqual(['train', 'evaluate']);
    expect(fs.readFileSync(path.join(repo, 'dvc.lock'), 'utf8')).toContain('train.epochs: 5');
    expect((await cairn(repo, 'status', '-q')).code).toBe(0);
    await git(repo, 'commit', '-q', '-am', 'more epochs');
  });

  it('a failing stage stops repro with its output and exit 1', async () => {
    fs.writeFileSync(path.join(repo, 'train.mjs'), `console.error('boom: out of memory'); process.exit(3);`);
    const r = await cairn(repo, 'repro');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('boom: out of memory');
    expect(r.stderr).toContain("ERROR: failed to reproduce 'train': failed to run: node train.mjs, exited with 3");
    expect(ranStages(repo)).toEqual([]);
    await git(repo, 'checkout', '-q', '--', 'train.mjs');
    await cairn(repo, 'checkout');
  });

  it('push → delete the cache → pull → checkout restores the bytes', async () => {
    const raw = snapshot(path.join(repo, 'data/raw'));
    const model = snapshot(path.join(repo, 'model'));
    const prepared = fs.readFileSync(path.join(repo, 'prepared.txt'));

    fs.appendFileSync(
      path.join(repo, '.dvc/config'),
      `[core]\n    remote = origin\n['remote "origin"']\n    url = ${remote.url}\n`,
    );
    const noAuth = await cairn(repo, 'push');
    expect(noAuth.code).toBe(1);
    expect(noAuth.stderr).toContain('HTTP 401');
    fs.writeFileSync(
      path.join(repo, '.dvc/config.local'),
      `['remote "origin"']\n    auth = basic\n    user = ada\n    password = s3cret\n`,
    );
    const pushed = await cairn(repo, 'push');
    expect(pushed.code, pushed.stderr).toBe(0);
    // 3 raw files + prepared.txt + 2 model files + 2 manifests (metrics.json is not cached).
    expect(pushed.stdout.trim()).toBe('8 files pushed');
    const rawOid = /md5: (\S+)/.exec(fs.readFileSync(path.join(repo, 'data/raw.dvc'), 'utf8'))![1]!;
    expect(fs.existsSync(path.join(remote.root, 'owner/repo.dvc/files/md5', rawOid.slice(0, 2), rawOid.slice(2)))).toBe(
      true,
    );
    expect((await cairn(repo, 'push')).stdout.trim()).toBe('Everything is up to date.');
    // Only the 8 objects were POSTed: the batch `missing` call is probed with a GET, never a POST,
    // so this plain remote (which stores whatever is POSTed) gains no stray `missing` file.
    expect(remote.requests.filter((r) => r.startsWith('POST')).length).toBe(8);
    expect(remote.requests).toContain('GET /owner/repo.dvc/missing');
    expect(fs.existsSync(path.join(remote.root, 'owner/repo.dvc/missing'))).toBe(false);

    fs.rmSync(path.join(repo, '.dvc/cache'), { recursive: true });
    fs.rmSync(path.join(repo, 'data/raw'), { recursive: true });
    fs.rmSync(path.join(repo, 'model'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'prepared.txt'), 'local edit');
    const pulled = await cairn(repo, 'pull', '-j', '3');
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain('A       data/raw');
    expect(pulled.stdout).toContain('M       prepared.txt');
    expect(snapshot(path.join(repo, 'data/raw'))).toEqual(raw);
    expect(snapshot(path.join(repo, 'model'))).toEqual(model);
    expect(fs.readFileSync(path.join(repo, 'prepared.txt'))).toEqual(prepared);
    expect((await cairn(repo, 'status', '-q')).code).toBe(0);

    fs.rmSync(path.join(repo, 'data/raw/b.txt'));
    fs.writeFileSync(path.join(repo, 'data/raw/extra.txt'), 'not tracked');
    const co = await cairn(repo, 'checkout');
    expect(co.stdout).toContain('M       data/raw/');
    expect(snapshot(path.join(repo, 'data/raw'))).toEqual(raw);
    // Data stays out of git; only the remote added to the config is a change to commit.
    expect(await git(repo, 'status', '--porcelain')).toBe(' M .dvc/config\n');
  });

  it('refuses what arrives corrupted and keeps the cache clean', async () => {
    const oid = md5('beta\n');
    fs.chmodSync(path.join(remote.root, 'owner/repo.dvc/files/md5', oid.slice(0, 2), oid.slice(2)), 0o644);
    fs.writeFileSync(path.join(remote.root, 'owner/repo.dvc/files/md5', oid.slice(0, 2), oid.slice(2)), 'tampered\n');
    fs.rmSync(path.join(repo, '.dvc/cache'), { recursive: true });
    const r = await cairn(repo, 'pull');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${oid}: object ${oid} arrived corrupted`);
    expect(fs.existsSync(path.join(repo, '.dvc/cache/files/md5', oid.slice(0, 2), oid.slice(2)))).toBe(false);
  });
});
