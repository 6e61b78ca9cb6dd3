import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '../dvc/fixtures.ts';
import { ParseError } from '../errors/parse-error.ts';
import { flattenParams, getParam, parseParams } from './params-file.ts';

describe('params files', () => {
  it('reads example-get-started params.yaml, keeping 0.20 as the number 0.2', () => {
    const r = parseParams(fixture('example-get-started/main/params.yaml'), 'params.yaml');
    if (!r.ok) throw r.error;
    expect(getParam(r.value, 'prepare.split')).toBe(0.2);
    expect(getParam(r.value, 'train.n_est')).toBe(50);
    expect(flattenParams(r.value)).toEqual({
      'prepare.split': 0.2,
      'prepare.seed': 20170428,
      'featurize.max_features': 200,
      'featurize.ngrams': 2,
      'train.seed': 20170428,
      'train.n_est': 50,
      'train.min_split': 0.01,
    });
  });

  it('reads JSON and TOML; lists stay whole; dotted keys and indices are found', () => {
    const json = parseParams('{"a": {"b.c": 1, "list": [1, {"x": 2}]}}', 'p.json');
    if (!json.ok) throw json.error;
    expect(getParam(json.value, 'a.b.c')).toBe(1);
    expect(getParam(json.value, 'a.list.1.x')).toBe(2);
    expect(flattenParams(json.value)).toEqual({ 'a.b.c': 1, 'a.list': [1, { x: 2 }] });
    const toml = parseParams('[train]\nlr = 0.1\nlayers = [1, 2]\n', 'p.toml');
    expect(toml).toEqual({ ok: true, value: { train: { lr: 0.1, layers: [1, 2] } } });
  });

  it('gives typed errors with file, line and column', () => {
    expect(parseParams('a: [1', 'p.yaml')).toMatchObject({ ok: false, error: { code: 'yaml_syntax', file: 'p.yaml' } });
    expect(parseParams('{\n  "a": 1,\n  "b" 2\n}', 'p.json')).toMatchObject({
      ok: false,
      error: { code: 'json_syntax', file: 'p.json', line: 3, column: 7 },
    });
    expect(parseParams('[a\nb = 1', 'p.toml')).toMatchObject({ ok: false, error: { code: 'toml_syntax', line: 1 } });
    expect(parseParams('x = 1', 'params.py')).toMatchObject({ ok: false, error: { code: 'unsupported_format' } });
  });

  it('never throws (fast-check), for every format', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('p.yaml', 'p.json', 'p.toml'), (t, file) => {
        const r = parseParams(t, file);
        if (!r.ok) expect(r.error).toBeInstanceOf(ParseError);
        else expect(() => flattenParams(r.value)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(parseParams(text, 'p.json')).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 500 },
    );
  }, 120_000);
});
