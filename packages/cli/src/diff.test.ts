/**
 * `cairn diff`, `cairn params diff`, `cairn metrics diff` end to end: the real binary in a
 * temporary git repository driven with the real `git` CLI, output compared with DVC's shapes
 * (dvc.org/doc/command-reference/{diff,params/diff,metrics/diff}).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCairn } from './testing/run-cairn.ts';

const exec = promisify(execFile);
let dir = '';
const write = (p: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
  fs.writeFileSync(path.join(dir, p), text);
};
const git = async (...args: string[]) => (await exec('git', args, { cwd: dir })).stdout;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-diff-'));
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 't@example.com');
  await git('config', 'user.name', 'T');
  expect((await runCairn(dir, 'init', '-q')).code).toBe(0);
  write('params.yaml', 'train:\n  lr: 0.0041\n  epochs: 5\n');
  write('metrics.json', '{"AUC": 0.763981, "loss": 0.5}');
  write(
    'dvc.yaml',
    'stages:\n  t:\n    cmd: echo\n    params:\n    - train.lr\n    metrics:\n    - metrics.json:\n        cache: false\n',
  );
  write('logs/metrics.csv', 'Name,Value,Timestamp,Step\n"acc",0.5,1,1\r\n');
  write('data/a.txt', 'a\n');
  write('data/b.txt', 'b\n');
  write('data/keep.txt', 'same\n');
  expect((await runCairn(dir, 'add', '-q', 'data')).code).toBe(0);
  await git('add', '-A');
  await git('commit', '-qm', 'one');
  write('params.yaml', 'train:\n  lr: 0.0043\n  epochs: 5\nseed: 7\n');
  write('metrics.json', '{"AUC": 0.801807, "loss": 0.5}');
  write('logs/metrics.csv', 'Name,Value,Timestamp,Step\n"acc",0.5,1,1\r\n"acc",0.75,2,2\r\n');
  write('data/a.txt', 'a2\n');
  fs.rmSync(path.join(dir, 'data/b.txt'));
  write('data/c.txt', 'c\n');
  fs.renameSync(path.join(dir, 'data/keep.txt'), path.join(dir, 'data/kept.txt'));
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cairn params diff / metrics diff', { timeout: 30_000 }, () => {
  it('prints the changed params of HEAD against the workspace as DVC does', async () => {
    const r = await runCairn(dir, 'params', 'diff');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.trimEnd())).toEqual([
      'Path         Param     HEAD    workspace',
      'params.yaml  seed      -       7',
      'params.yaml  train.lr  0.0041  0.0043',
      '',
    ]);
    const json = await runCairn(dir, 'params', 'diff', '--json');
    expect(JSON.parse(json.stdout)).toEqual({
      'params.yaml': { seed: { old: null, new: 7 }, 'train.lr': { old: 0.0041, new: 0.0043 } },
    });
    const all = await runCairn(dir, 'params', 'diff', '--all', '--no-path');
    expect(all.stdout).toContain('train.epochs');
    expect(all.stdout.split('\n')[0]?.trimEnd()).toBe('Param         HEAD    workspace');
  });

  it('prints metric changes rounded to 5 digits, DagsHub metrics.csv by last value, and --md', async () => {
    const r = await runCairn(dir, 'metrics', 'diff');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.trimEnd())).toEqual([
      'Path              Metric    HEAD     workspace    Change',
      'logs/metrics.csv  acc       0.5      0.75         0.25',
      'metrics.json      AUC       0.76398  0.80181      0.03783',
      '',
    ]);
    const md = await runCairn(dir, 'metrics', 'diff', '--md', '--targets', 'metrics.json');
    expect(md.stdout).toBe(
      '| Path         | Metric   | HEAD    | workspace   | Change   |\n' +
        '|--------------|----------|---------|-------------|----------|\n' +
        '| metrics.json | AUC      | 0.76398 | 0.80181     | 0.03783  |\n',
    );
    const json = JSON.parse((await runCairn(dir, 'metrics', 'diff', '--json')).stdout);
    expect(json['metrics.json'].AUC.old).toBe(0.763981);
    expect(json['metrics.json'].AUC.diff).toBeCloseTo(0.037826, 9);
  });

  it('exits 1 on an unknown revision and 2 on a usage mistake', async () => {
    const r = await runCairn(dir, 'params', 'diff', 'no-such-rev');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ERROR: unknown Git revision 'no-such-rev'");
    expect((await runCairn(dir, 'metrics', 'diff', '--json', '--md')).code).toBe(2);
    expect((await runCairn(dir, 'params')).code).toBe(2);
  });
});

describe('cairn diff', () => {
  it('lists tracked files added, deleted, renamed and modified, HEAD → workspace, then between commits', async () => {
    const r = await runCairn(dir, 'diff');
    expect(r.code).toBe(0);
    const expected =
      'Added:\n    data/c.txt\n\nDeleted:\n    data/b.txt\n\nRenamed:\n    data/keep.txt -> data/kept.txt\n\n' +
      'Modified:\n    data/\n    data/a.txt\n\nfiles summary: 1 added, 1 deleted, 1 renamed, 1 modified, 0 not in cache\n';
    expect(r.stdout).toBe(expected);
    expect((await runCairn(dir, 'add', '-q', 'data')).code).toBe(0);
    await git('add', '-A');
    await git('commit', '-qm', 'two');
    expect((await runCairn(dir, 'diff')).stdout).toBe('');
    expect((await runCairn(dir, 'diff', 'HEAD~1', 'HEAD')).stdout).toBe(expected);
    const json = JSON.parse((await runCairn(dir, 'diff', 'HEAD~1', 'HEAD', '--json')).stdout);
    expect(json).toEqual({
      added: [{ path: 'data/c.txt' }],
      deleted: [{ path: 'data/b.txt' }],
      modified: [{ path: 'data/' }, { path: 'data/a.txt' }],
      renamed: [{ path: { old: 'data/keep.txt', new: 'data/kept.txt' } }],
      'not in cache': [],
    });
    const md = await runCairn(dir, 'diff', 'HEAD~1', 'HEAD', '--md');
    expect(md.stdout.split('\n')[0]).toBe('| Status   | Path                           |');
    // The older manifest gone from the cache: the folder is "not in cache", not expanded.
    const old = await git('show', 'HEAD~1:data.dvc');
    const oid = /md5: (\w+)\.dir/.exec(old)?.[1] ?? '';
    const p = path.join(dir, '.dvc/cache/files/md5', oid.slice(0, 2), `${oid.slice(2)}.dir`);
    fs.chmodSync(p, 0o644);
    fs.rmSync(p);
    const missing = JSON.parse((await runCairn(dir, 'diff', 'HEAD~1', 'HEAD', '--json')).stdout);
    expect(missing['not in cache']).toEqual([{ path: 'data/' }]);
  }, 60_000);
});
