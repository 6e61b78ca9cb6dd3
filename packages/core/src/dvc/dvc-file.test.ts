import { describe, expect, it } from 'vitest';
import { parseDvcFile, serializeDvcFile } from './dvc-file.ts';
import { fixture, fixtures } from './fixtures.ts';

describe('parseDvcFile', () => {
  it('sees the fixtures', () => {
    expect(Object.keys(fixtures).length).toBeGreaterThan(20);
  });
  it('reads the DVC 3 import file of example-get-started', () => {
    const r = parseDvcFile(fixture('example-get-started/main/data/data.xml.dvc'), 'data/data.xml.dvc');
    if (!r.ok) throw r.error;
    expect(r.value.frozen).toBe(true);
    expect(r.value.md5).toBe('f5ea021eddd7b1df6de80b904cba1da6');
    expect(r.value.deps[0]!.repo).toEqual({
      url: 'https://github.com/iterative/dataset-registry',
      rev_lock: 'f59388cd04276e75d70b2136597aaa27e7937cc3',
    });
    const out = r.value.outs[0]!;
    expect(out).toMatchObject({
      path: 'data.xml',
      md5: '22a1a2931c8370d3aeedd7183606fd7f',
      size: 14445097,
      hashKind: 'md5',
    });
  });
  it('reads the DVC 2 file as legacy md5-dos2unix with its desc', () => {
    const r = parseDvcFile(fixture('example-get-started/dvc2-799c9ad/data/data.xml.dvc'));
    if (!r.ok) throw r.error;
    expect(r.value.outs[0]!.hashKind).toBe('md5-dos2unix');
    expect(r.value.outs[0]!.extra.desc).toBe('Imported raw data (tracks source updates)');
  });
  it('reads DVC 0.x stage files', () => {
    const r = parseDvcFile(fixture('dagshub-logger-legacy/hyperparams-as-output.train.dvc'));
    if (!r.ok) throw r.error;
    expect(r.value.cmd).toBe('python3 mnist_trainer.py');
    expect(r.value.outs.map((o) => [o.path, o.extra.metric])).toEqual([
      ['params.yml', false],
      ['metrics.csv', true],
    ]);
    expect(r.value.md5).toBe('390c0c9c7d2e9f7ab7ca8597eae9a427');
  });
  it('serialises every .dvc fixture back byte for byte', () => {
    for (const [name, text] of Object.entries(fixtures).filter(([n]) => n.endsWith('.dvc'))) {
      const r = parseDvcFile(text, name);
      if (!r.ok) throw r.error;
      expect(serializeDvcFile(r.value, text), name).toBe(text);
    }
  });
});

describe('serializeDvcFile edits', () => {
  it('keeps key order, comments and unknown keys when a hash changes', () => {
    const text =
      '# tracked by hand\nouts:\n- md5: aaaa\n  size: 1\n  hash: md5\n  path: raw\n  desc: raw data\n  custom: keep me\nmeta:\n  owner: me\n';
    const r = parseDvcFile(text);
    if (!r.ok) throw r.error;
    r.value.outs[0] = { ...r.value.outs[0]!, md5: 'bbbb', size: 2 };
    expect(serializeDvcFile(r.value, text)).toBe(
      '# tracked by hand\nouts:\n- md5: bbbb\n  size: 2\n  hash: md5\n  path: raw\n  desc: raw data\n  custom: keep me\nmeta:\n  owner: me\n',
    );
  });

  it('refuses files that are not .dvc files, with positions', () => {
    expect(parseDvcFile('- a\n- b\n', 'x.dvc')).toMatchObject({ ok: false, error: { code: 'schema', file: 'x.dvc' } });
    expect(parseDvcFile('outs:\n- size: 3\n')).toMatchObject({
      ok: false,
      error: { code: 'schema', line: 2, path: 'outs.0.path' },
    });
    expect(parseDvcFile('outs:\n- path: a\n  md5: [1]\n')).toMatchObject({
      ok: false,
      error: { code: 'schema', line: 3 },
    });
    expect(parseDvcFile('frozen: true\n')).toMatchObject({ ok: false, error: { code: 'schema' } });
  });
});
