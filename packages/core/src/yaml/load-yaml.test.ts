import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../errors/parse-error.ts';
import { loadYaml, positionAt } from './load-yaml.ts';
import { stringifyYamlPreserving } from './yaml-edit.ts';

const BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
  'g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
].join('\n');

describe('loadYaml limits', () => {
  it('refuses an alias bomb', () => {
    expect(loadYaml(BOMB, { file: 'bomb.yaml' })).toMatchObject({
      ok: false,
      error: { code: 'too_many_aliases', file: 'bomb.yaml' },
    });
  });

  it('refuses 10,000-deep nesting, flow and block', () => {
    const flow = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const block = `${'- '.repeat(10_000)}x`;
    const maps = Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    for (const text of [flow, block, maps]) {
      const r = loadYaml(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('too_deep');
    }
    expect(loadYaml(`${'['.repeat(300)}${']'.repeat(300)}`)).toMatchObject({ ok: false, error: { code: 'too_deep' } });
  });

  it('refuses a 100 MB scalar before parsing it', () => {
    const huge = `a: ${'x'.repeat(100 * 1024 * 1024)}`;
    expect(loadYaml(huge)).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });

  it('refuses duplicate keys with the position of the second', () => {
    expect(loadYaml('a: 1\nb:\n  c: 1\n  c: 2\n', { file: 'x.yaml' })).toMatchObject({
      ok: false,
      error: { code: 'duplicate_key', file: 'x.yaml', line: 4, column: 3 },
    });
  });

  it('reports syntax errors with line and column, and survives JSON', () => {
    const r = loadYaml('a: [1, 2\nb: 3\n', { file: 'bad.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(ParseError);
    expect(r.error.code).toBe('yaml_syntax');
    expect(r.error.line).toBeGreaterThanOrEqual(1);
    const copy = ParseError.fromJSON(JSON.parse(JSON.stringify(r.error)));
    expect(copy.toJSON()).toEqual(r.error.toJSON());
    expect(copy.describe()).toMatch(/^bad\.yaml:\d+:\d+: /);
  });

  it('finds positions of keys and values', () => {
    const r = loadYaml('stages:\n  train:\n    cmd: python x.py\n    outs:\n    - model.pkl\n');
    if (!r.ok) throw r.error;
    expect(positionAt(r.value, ['stages', 'train', 'cmd'])).toEqual({ line: 3, column: 10 });
    expect(positionAt(r.value, ['stages', 'train', 'outs', 0])).toEqual({ line: 5, column: 7 });
    expect(positionAt(r.value, ['stages', 'train'])).toEqual({ line: 2, column: 3 });
  });

  it('keeps comments, order and quoting when a value changes', () => {
    const text = "# pipeline\nb: 1  # why\na: 'x'\nlist:\n  - 1\n  - 2\n";
    expect(stringifyYamlPreserving({ b: 2, a: 'x', list: [1, 2, 3] }, text)).toBe(
      "# pipeline\nb: 2 # why\na: 'x'\nlist:\n  - 1\n  - 2\n  - 3\n",
    );
  });

  it('never throws, whatever the text (fuzz)', () => {
    const yamlish = fc.stringMatching(/^[-a-z:{}[\]&*!|>'"#%@`,? \n\t0-9.]{0,200}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), yamlish), (text) => {
        const r = loadYaml(text);
        if (!r.ok) expect(r.error).toBeInstanceOf(ParseError);
      }),
      { numRuns: 1500 },
    );
  });
});
