import { describe, expect, it } from 'vitest';
import { diffDvcLocks, diffDvcOutputs, dvcOutputsOf, renderDvcDiff } from './dvc-diff.ts';
import { diffKeyFiles, keyDiffRows, keyFilesOf, readKeyValues, renderTable } from './key-diff.ts';

const flat = (text: string, path: string, kind: 'params' | 'metrics') => {
  const r = readKeyValues(text, path, kind);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('params and metrics diffs (dvc params diff / dvc metrics diff)', () => {
  it('lists changed, added and removed keys; metrics get new − old', () => {
    const p = diffKeyFiles(
      new Map([['params.yaml', flat('train:\n  lr: 0.0041\n  epochs: 5\nseed: 1\n', 'params.yaml', 'params')]]),
      new Map([['params.yaml', flat('train:\n  lr: 0.0043\n  epochs: 5\nbatch: 32\n', 'params.yaml', 'params')]]),
      { kind: 'params' },
    );
    expect(p).toEqual([
      {
        path: 'params.yaml',
        changes: [
          { key: 'batch', old: null, new: 32 },
          { key: 'seed', old: 1, new: null },
          { key: 'train.lr', old: 0.0041, new: 0.0043 },
        ],
      },
    ]);
    expect(renderTable(keyDiffRows(p, { title: 'Param', aRev: 'HEAD', bRev: 'workspace', showChange: false }))).toBe(
      [
        'Path         Param     HEAD    workspace  ',
        'params.yaml  batch     -       32         ',
        'params.yaml  seed      1       -          ',
        'params.yaml  train.lr  0.0041  0.0043     ',
      ].join('\n'),
    );
    const m = diffKeyFiles(
      new Map([['metrics.json', flat('{"AUC": 0.763981, "n": 3}', 'metrics.json', 'metrics')]]),
      new Map([['metrics.json', flat('{"AUC": 0.801807, "n": 3}', 'metrics.json', 'metrics')]]),
      { kind: 'metrics' },
    );
    const rows = keyDiffRows(m, { title: 'Metric', aRev: 'HEAD', bRev: 'workspace', showChange: true, precision: 5 });
    // DVC's own documented example (dvc.org/doc/command-reference/metrics), rounded to 5 digits.
    expect(rows).toEqual([
      ['Path', 'Metric', 'HEAD', 'workspace', 'Change'],
      ['metrics.json', 'AUC', '0.76398', '0.80181', '0.03783'],
    ]);
    expect(renderTable(rows, true)).toBe(
      '| Path         | Metric   | HEAD    | workspace   | Change   |\n' +
        '|--------------|----------|---------|-------------|----------|\n' +
        '| metrics.json | AUC      | 0.76398 | 0.80181     | 0.03783  |\n',
    );
  });

  it('reads a DagsHub metrics.csv as each name’s last value, and finds key files', () => {
    const csv = 'Name,Value,Timestamp,Step\n"loss",0.9,1,1\r\n"loss",0.5,2,2\r\n"acc",0.7,2,2\r\n';
    expect(flat(csv, 'metrics.csv', 'metrics')).toEqual({ loss: 0.5, acc: 0.7 });
    const files: Record<string, string> = {
      'dvc.yaml':
        'stages:\n  train:\n    cmd: python t.py\n    params:\n    - train.lr\n    metrics:\n    - eval/m.json:\n        cache: false\n',
      'params.yaml': 'train:\n  lr: 1\n',
      'eval/m.json': '{}',
      'logs/metrics.csv': 'Name,Value,Timestamp,Step\n',
      'logs/params.yml': 'a: 1\n',
    };
    const k = keyFilesOf(Object.keys(files), (p) => files[p] ?? null);
    expect([...k.params]).toEqual([
      ['params.yaml', null],
      ['logs/params.yml', null],
    ]);
    expect([...k.metrics].sort()).toEqual(['eval/m.json', 'logs/metrics.csv']);
  });
});

describe('dvc diff and dvc.lock stage diffs', () => {
  const m = (n: string) => n.repeat(32).slice(0, 32);
  it('expands folders from their manifests, pairs renames, counts files only', () => {
    const a = dvcOutputsOf(['data.dvc', 'model.pkl.dvc'], (p) =>
      p === 'data.dvc'
        ? `outs:\n- md5: ${m('a')}.dir\n  hash: md5\n  path: data\n`
        : `outs:\n- md5: ${m('e')}\n  hash: md5\n  path: model.pkl\n`,
    );
    const b = dvcOutputsOf(['data.dvc'], () => `outs:\n- md5: ${m('b')}.dir\n  hash: md5\n  path: data\n`);
    const manifests: Record<string, { relpath: string; md5: string }[]> = {
      [`${m('a')}.dir`]: [
        { relpath: 'x.csv', md5: m('c') },
        { relpath: 'y.csv', md5: m('d') },
        { relpath: 'z.csv', md5: m('ca') },
      ],
      [`${m('b')}.dir`]: [
        { relpath: 'x.csv', md5: m('cb') },
        { relpath: 'w.csv', md5: m('d') },
        { relpath: 'v.csv', md5: m('cc') },
      ],
    };
    const d = diffDvcOutputs(a, b, (o) => manifests[o.md5] ?? null);
    expect(d.added.map((e) => e.path)).toEqual(['data/v.csv']);
    expect(d.deleted.map((e) => e.path)).toEqual(['data/z.csv', 'model.pkl']);
    expect(d.modified.map((e) => e.path)).toEqual(['data/', 'data/x.csv']);
    expect(d.renamed.map((e) => e.path)).toEqual([{ old: 'data/y.csv', new: 'data/w.csv' }]);
    expect(renderDvcDiff(d)).toBe(
      'Added:\n    data/v.csv\n\nDeleted:\n    data/z.csv\n    model.pkl\n\nRenamed:\n    data/y.csv -> data/w.csv\n\n' +
        'Modified:\n    data/\n    data/x.csv\n\nfiles summary: 1 added, 2 deleted, 1 renamed, 1 modified, 0 not in cache',
    );
    expect(renderDvcDiff(diffDvcOutputs(b, b, () => null))).toBe(
      'Not in cache:\n    data/\n\nfiles summary: 0 added, 0 deleted, 0 renamed, 0 modified, 0 not in cache',
    );
  });

  it('names per stage the deps, outs and params that changed', () => {
    const lock = (h: string, lr: number) =>
      `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: data.csv\n      hash: md5\n      md5: ${m('a')}\n      size: 10\n    params:\n      params.yaml:\n        train.lr: ${lr}\n    outs:\n    - path: model.pkl\n      hash: md5\n      md5: ${m(h)}\n      size: 20\n`;
    const d = diffDvcLocks(lock('b', 0.1), lock('c', 0.2));
    expect(d).toEqual([
      {
        stage: 'train',
        kind: 'modified',
        deps: [],
        outs: [{ path: 'model.pkl', old: m('b'), new: m('c'), oldSize: 20, newSize: 20 }],
        params: [{ file: 'params.yaml', key: 'train.lr', old: 0.1, new: 0.2 }],
      },
    ]);
    expect(diffDvcLocks(null, lock('b', 0.1))[0]?.kind).toBe('added');
    expect(diffDvcLocks(lock('b', 0.1), lock('b', 0.1))).toEqual([]);
  });
});
