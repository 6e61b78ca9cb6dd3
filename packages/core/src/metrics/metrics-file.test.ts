import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '../dvc/fixtures.ts';
import { ParseError } from '../errors/parse-error.ts';
import { parseMetrics } from './metrics-file.ts';

describe('parseMetrics', () => {
  it('flattens JSON metrics with dots', () => {
    const r = parseMetrics(fixture('example-get-started/dvc2-799c9ad/evaluation.json'), 'evaluation.json');
    if (!r.ok) throw r.error;
    expect(Object.keys(r.value).length).toBeGreaterThan(0);
    for (const v of Object.values(r.value))
      expect(typeof v === 'number' || typeof v === 'string' || v === null).toBe(true);
    const nested = parseMetrics('{"train": {"auc": 0.9, "folds": [0.1, 0.2]}}', 'm.json');
    expect(nested).toEqual({ ok: true, value: { 'train.auc': 0.9, 'train.folds.0': 0.1, 'train.folds.1': 0.2 } });
  });

  it('reads YAML, TOML, CSV and TSV', () => {
    expect(parseMetrics('a:\n  b: 1\n', 'm.yaml')).toEqual({ ok: true, value: { 'a.b': 1 } });
    expect(parseMetrics('[a]\nb = 2\n', 'm.toml')).toEqual({ ok: true, value: { 'a.b': 2 } });
    expect(parseMetrics('auc,loss\n0.9,nan\n', 'm.csv')).toMatchObject({
      ok: true,
      value: { auc: 0.9, loss: Number.NaN },
    });
    expect(parseMetrics('auc\tname\n0.9\tx\n0.8\ty\n', 'm.tsv')).toEqual({
      ok: true,
      value: { '0.auc': 0.9, '0.name': 'x', '1.auc': 0.8, '1.name': 'y' },
    });
  });

  it('gives typed errors with positions', () => {
    expect(parseMetrics('{"a": 1,\n "b": }', 'm.json')).toMatchObject({
      ok: false,
      error: { code: 'json_syntax', file: 'm.json', line: 2 },
    });
    expect(parseMetrics('a = = 1', 'm.toml')).toMatchObject({ ok: false, error: { code: 'toml_syntax', line: 1 } });
    expect(parseMetrics('x', 'm.txt')).toMatchObject({ ok: false, error: { code: 'unsupported_format' } });
    expect(parseMetrics(`${'['.repeat(5000)}${']'.repeat(5000)}`, 'm.json')).toMatchObject({
      ok: false,
      error: { code: 'too_deep' },
    });
  });
});

describe('parseMetrics fuzz', () => {
  it('never throws (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.constantFrom('m.json', 'm.yaml', 'm.toml', 'm.csv', 'm.tsv'),
        (t, file) => {
          const r = parseMetrics(t, file);
          if (!r.ok) expect(r.error).toBeInstanceOf(ParseError);
        },
      ),
      { numRuns: 1000 },
    );
  }, 120_000);
});
