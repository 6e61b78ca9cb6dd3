import { describe, expect, it } from 'vitest';
import { parseDvcLock, serializeDvcLock } from './dvc-lock.ts';
import { fixture } from './fixtures.ts';
import { lockEntry } from './hashed-entry.ts';

const MAIN = 'example-get-started/main/dvc.lock';
const DVC2 = 'example-get-started/dvc2-799c9ad/dvc.lock';

describe('parseDvcLock', () => {
  it('reads the DVC 3 lock: stages, hash kinds, params values', () => {
    const r = parseDvcLock(fixture(MAIN));
    if (!r.ok) throw r.error;
    expect(r.value.schema).toBe('2.0');
    expect(Object.keys(r.value.stages)).toEqual(['prepare', 'featurize', 'train', 'evaluate']);
    const prepare = r.value.stages.prepare!;
    expect(prepare.deps[0]).toMatchObject({
      path: 'data/data.xml',
      md5: '22a1a2931c8370d3aeedd7183606fd7f',
      size: 14445097,
    });
    expect(prepare.outs[0]).toMatchObject({
      path: 'data/prepared',
      hashKind: 'md5',
      md5: '153aad06d376b6595932470e459ef42a.dir',
      nfiles: 2,
    });
    expect(prepare.params).toEqual({ 'params.yaml': { 'prepare.seed': 20170428, 'prepare.split': 0.2 } });
  });

  it('reads the DVC 2 lock as legacy entries with the same directory hash', () => {
    const r = parseDvcLock(fixture(DVC2));
    if (!r.ok) throw r.error;
    const out = r.value.stages.prepare!.outs[0]!;
    expect(out.hashKind).toBe('md5-dos2unix');
    expect(out.md5).toBe('153aad06d376b6595932470e459ef42a.dir');
    expect(r.value.stages.evaluate!.outs.map((o) => o.path)).toEqual([
      'evaluation.json',
      'evaluation/importance.png',
      'evaluation/plots/confusion_matrix.json',
      'evaluation/plots/precision_recall.json',
      'evaluation/plots/roc.json',
    ]);
  });

  it('serialises both fixtures back byte for byte, and fresh in the same form', () => {
    for (const name of [MAIN, DVC2]) {
      const text = fixture(name);
      const r = parseDvcLock(text);
      if (!r.ok) throw r.error;
      expect(serializeDvcLock(r.value, text)).toBe(text);
      expect(serializeDvcLock(r.value)).toBe(text);
    }
  });

  it('keeps order and unknown keys when a stage changes', () => {
    const text = `schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n    custom: keep\n    outs:\n    - path: x\n      hash: md5\n      md5: aaaa\n      size: 1\n`;
    const r = parseDvcLock(text);
    if (!r.ok) throw r.error;
    r.value.stages.a!.outs[0] = lockEntry({ path: 'x', md5: 'bbbb', size: 2 });
    r.value.stages.b = {
      cmd: 'echo b',
      deps: [lockEntry({ path: 'x', md5: 'bbbb', size: 2 })],
      params: {},
      outs: [],
      extra: {},
    };
    expect(serializeDvcLock(r.value, text)).toBe(
      `schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n    custom: keep\n    outs:\n    - path: x\n      hash: md5\n      md5: bbbb\n      size: 2\n  b:\n    cmd: echo b\n    deps:\n    - path: x\n      hash: md5\n      md5: bbbb\n      size: 2\n`,
    );
  });

  it('writes new entries in DVC 3 key order (path, hash, md5, size, nfiles)', () => {
    const text = serializeDvcLock({
      schema: '2.0',
      stages: {
        s: {
          cmd: ['a', 'b'],
          deps: [],
          params: {},
          outs: [lockEntry({ path: 'd', md5: 'x.dir', size: 3, nfiles: 2 })],
          extra: {},
        },
      },
      extra: {},
    });
    expect(text).toBe(
      `schema: '2.0'\nstages:\n  s:\n    cmd:\n    - a\n    - b\n    outs:\n    - path: d\n      hash: md5\n      md5: x.dir\n      size: 3\n      nfiles: 2\n`,
    );
  });

  it('accepts the 1.x form without a schema key', () => {
    const r = parseDvcLock(
      'train:\n  cmd: python train.py\n  deps:\n  - path: data\n    md5: abc.dir\n  outs:\n  - path: model\n    md5: def\n',
    );
    if (!r.ok) throw r.error;
    expect(r.value.schema).toBeNull();
    expect(r.value.stages.train!.deps[0]).toMatchObject({ path: 'data', md5: 'abc.dir', hashKind: 'md5-dos2unix' });
  });

  it('refuses bad locks with a position', () => {
    const r = parseDvcLock("schema: '2.0'\nstages:\n  a:\n    deps: []\n");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('schema');
    expect(r.error.file).toBe('dvc.lock');
    expect(r.error.line).toBe(3);
    expect(r.error.message).toMatch(/command/);
    const bad = parseDvcLock("schema: '2.0'\nstages:\n  a:\n    cmd: x\n    outs:\n    - path: y\n      size: -3\n");
    expect(bad.ok || bad.error).toMatchObject({ code: 'schema', line: 7, path: 'stages.a.outs.0.size' });
  });
});
