/**
 * Every `dvc.yaml` of the repository, as DVC reads them: the real `cairn` binary in a temporary
 * git repository with a root pipeline and one in `sub/` (its own dvc.lock, params.yaml and a
 * stage reading the root's output), and a DVC HTTP remote served from this process. Stages of
 * `sub/dvc.yaml` are `sub/dvc.yaml:train` from the root and `train` from inside `sub/`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlainRemote, startPlainRemote } from './testing/plain-dvc-remote.ts';
import { runCairn as cairn } from './testing/run-cairn.ts';

const exec = promisify(execFile);
const git = async (cwd: string, ...args: string[]) => (await exec('git', args, { cwd })).stdout;

const FILES: Record<string, string> = {
  'gen.mjs': `import fs from 'node:fs';
fs.writeFileSync('data.txt', 'rows\\n'.repeat(3));
fs.appendFileSync('runs.log', 'gen\\n');`,
  'dvc.yaml': 'stages:\n  gen:\n    cmd: node gen.mjs\n    deps:\n    - gen.mjs\n    outs:\n    - data.txt\n',
  'sub/train.mjs': `import fs from 'node:fs';
const lr = fs.readFileSync('params.yaml', 'utf8').match(/lr: (\\S+)/)[1];
fs.writeFileSync('model.bin', fs.readFileSync('../data.txt', 'utf8') + lr);
fs.appendFileSync('../runs.log', 'train\\n');`,
  'sub/params.yaml': 'lr: 0.1\n',
  'sub/dvc.yaml':
    'stages:\n  train:\n    cmd: node train.mjs\n    deps:\n    - ../data.txt\n    - train.mjs\n    params:\n    - lr\n    outs:\n    - model.bin\n',
};

function ran(repo: string): string[] {
  const log = path.join(repo, 'runs.log');
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  fs.rmSync(log, { force: true });
  return lines.filter(Boolean);
}

describe('cairn with a dvc.yaml in a folder', { timeout: 90_000 }, () => {
  let tmp: string;
  let repo: string;
  let remote: PlainRemote;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-multi-'));
    repo = path.join(tmp, 'repo');
    fs.mkdirSync(path.join(repo, 'sub'), { recursive: true });
    remote = await startPlainRemote(path.join(tmp, 'remote'), { user: 'ada', password: 's3cret' });
    await git(repo, 'init', '-q');
    await git(repo, 'config', 'user.email', 'ada@example.com');
    await git(repo, 'config', 'user.name', 'Ada');
    expect((await cairn(repo, 'init')).code).toBe(0);
    for (const [p, text] of Object.entries(FILES)) fs.writeFileSync(path.join(repo, p), text);
  });

  afterAll(async () => {
    await remote?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('status and dag see the stages of both dvc.yaml files, with DVC names', async () => {
    const st = await cairn(repo, 'status', '--json');
    expect(st.code, st.stderr).toBe(0);
    expect(Object.keys(JSON.parse(st.stdout)).sort()).toEqual(['gen', 'sub/dvc.yaml:train']);
    const dag = await cairn(repo, 'dag');
    expect(dag.stdout).toContain('| gen |');
    expect(dag.stdout).toContain('| sub/dvc.yaml:train |');
    // From inside sub/, `train` is that folder's stage.
    const inSub = await cairn(path.join(repo, 'sub'), 'dag', 'train');
    expect(inSub.code, inSub.stderr).toBe(0);
    expect(inSub.stdout).toContain('| sub/dvc.yaml:train |');
  });

  it('repro runs both, upstream first, and writes each dvc.lock beside its dvc.yaml', async () => {
    const r = await cairn(repo, 'repro');
    expect(r.code, r.stderr).toBe(0);
    expect(ran(repo)).toEqual(['gen', 'train']);
    expect(fs.readFileSync(path.join(repo, 'dvc.lock'), 'utf8')).toMatch(/^ {2}gen:$/m);
    expect(fs.readFileSync(path.join(repo, 'dvc.lock'), 'utf8')).not.toContain('train');
    const subLock = fs.readFileSync(path.join(repo, 'sub/dvc.lock'), 'utf8');
    expect(subLock).toMatch(/^ {2}train:$/m);
    expect(subLock).toContain('path: ../data.txt');
    expect(subLock).toContain('lr: 0.1');
    expect(r.stdout).toContain('git add dvc.lock sub/dvc.lock');
    expect((await cairn(repo, 'status')).stdout.trim()).toBe('Data and pipelines are up to date.');
    await git(repo, 'add', '.');
    await git(repo, 'commit', '-q', '-m', 'two pipelines');
  });

  it('a param of sub/params.yaml makes only sub/dvc.yaml:train stale; it is addressed both ways', async () => {
    fs.writeFileSync(path.join(repo, 'sub/params.yaml'), 'lr: 0.2\n');
    const st = await cairn(repo, 'status');
    expect(st.stdout).toContain('sub/dvc.yaml:train:');
    expect(st.stdout).toContain('params.yaml:');
    expect(st.stdout).not.toMatch(/^gen:/m);
    const dry = await cairn(path.join(repo, 'sub'), 'repro', '--dry', 'train');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("Running stage 'sub/dvc.yaml:train'");
    expect(dry.stdout).not.toContain("Running stage 'gen'");
    const unknown = await cairn(repo, 'repro', 'sub/dvc.yaml:nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("'sub/dvc.yaml:nope' does not exist");
    const r = await cairn(repo, 'repro', 'sub/dvc.yaml:train');
    expect(r.code, r.stderr).toBe(0);
    expect(ran(repo)).toEqual(['train']);
    expect(fs.readFileSync(path.join(repo, 'sub/dvc.lock'), 'utf8')).toContain('lr: 0.2');
    expect((await cairn(repo, 'status', '-q')).code).toBe(0);
  });

  it('push, pull and checkout move the outputs of every dvc.lock, by stage as DVC names them', async () => {
    fs.appendFileSync(
      path.join(repo, '.dvc/config'),
      `[core]\n    remote = origin\n['remote "origin"']\n    url = ${remote.url}\n`,
    );
    fs.writeFileSync(
      path.join(repo, '.dvc/config.local'),
      `['remote "origin"']\n    auth = basic\n    user = ada\n    password = s3cret\n`,
    );
    const pushed = await cairn(repo, 'push');
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout.trim()).toBe('2 files pushed'); // data.txt and sub/model.bin
    const model = fs.readFileSync(path.join(repo, 'sub/model.bin'));
    fs.rmSync(path.join(repo, '.dvc/cache'), { recursive: true });
    fs.rmSync(path.join(repo, 'sub/model.bin'));
    fs.rmSync(path.join(repo, 'data.txt'));
    const pulled = await cairn(repo, 'pull', 'sub/dvc.yaml:train');
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'sub/model.bin'))).toEqual(model);
    expect(fs.existsSync(path.join(repo, 'data.txt'))).toBe(false);
    fs.rmSync(path.join(repo, 'sub/model.bin'));
    const co = await cairn(path.join(repo, 'sub'), 'checkout', 'train');
    expect(co.code, co.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'sub/model.bin'))).toEqual(model);
  });
});
