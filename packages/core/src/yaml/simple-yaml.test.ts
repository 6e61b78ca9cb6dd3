import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadYaml } from '../yaml/load-yaml.ts';
import { parseSimpleYamlMap } from './simple-yaml.ts';

const KEYS = [
  'lr',
  'model',
  'depth',
  'a b',
  'true',
  'null',
  'y',
  'no',
  '1',
  '__proto__',
  'k.v',
  'x-y',
  'a:b',
  '#c',
  '_',
];
const VALUES = [
  '1',
  '0',
  '-0',
  '01',
  '+1',
  '0x1F',
  '0o7',
  '1_000',
  '12345678901234567890',
  '1.0',
  '0.001',
  '1.0e-05',
  '1e5',
  '1.',
  '.5',
  '.inf',
  '-.inf',
  '.nan',
  '.NaN',
  'NaN',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'yes',
  'on',
  '~',
  'null',
  'Null',
  '',
  '{}',
  '[]',
  '[1, 2]',
  '{a: 1}',
  "''",
  "'4'",
  "'it''s'",
  "'[''Income'', ''Age'']'",
  "'a: b'",
  "'a",
  '"x"',
  '"a\\nb"',
  '"a: b"',
  'adam',
  'Adam W',
  'a #c',
  'a: b',
  'sklearn.cluster/KMeans',
  'héllo',
  '- x',
  '&a 1',
  '*a',
  '!!str 1',
  '|',
  '>',
  '@x',
  '`x',
  '%x',
  'a ',
  ' a',
];

/** Forms the fast path should take, drawn more often so it answers in a good share of runs. */
const COMMON_KEYS = ['lr', 'model', 'depth', 'k.v', 'x-y', '_', 'y', 'no'];
const COMMON_VALUES = [
  '1',
  '0',
  '1.0',
  '0.001',
  '1.0e-05',
  '.inf',
  '.nan',
  'true',
  'null',
  '~',
  "'4'",
  "'it''s'",
  'adam',
  'Adam W',
  '{}',
  '',
];
const key = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...COMMON_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...KEYS) },
);
const value = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...COMMON_VALUES) },
  { weight: 1, arbitrary: fc.constantFrom(...VALUES) },
);

type Doc = [string, Doc | string][];

const doc: fc.Arbitrary<Doc> = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.array(fc.tuple(key, fc.oneof({ depthSize: 'small', withCrossShrink: true }, value, tie('doc'))), {
    minLength: 0,
    maxLength: 4,
  }),
})).doc;

function render(d: Doc, indent: string, step: string): string {
  return d
    .map(([k, v]) =>
      typeof v === 'string' ? `${indent}${k}: ${v}\n` : `${indent}${k}:\n${render(v, indent + step, step)}`,
    )
    .join('');
}

describe('the simple-YAML fast path', () => {
  it('reads PyYAML safe_dump output as the yaml package does', () => {
    const text =
      "lr: 0.001\nmodel:\n  depth: 3\n  keep: '[''Income'', ''Age'']'\n  name: KMeans\n  seed: null\nn: '4'\n";
    expect(parseSimpleYamlMap(text)).toEqual({
      lr: 0.001,
      model: { depth: 3, keep: "['Income', 'Age']", name: 'KMeans', seed: null },
      n: '4',
    });
  });

  it('gives up on what it does not know rather than guess', () => {
    for (const text of ['a: [1, 2]\n', 'a: 1 # c\n', 'a: 1\r\n', '- 1\n', 'a: 1\na: 2\n', 'a: 0x10\n', '']) {
      expect(parseSimpleYamlMap(text)).toBeUndefined();
    }
  });

  it('whenever it answers, the answer is what the full parser gives', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        doc,
        fc.constantFrom('  ', '    ', ' '),
        fc.boolean(),
        fc.constantFrom('', '\n', '   '),
        (d, step, blank, tail) => {
          let text = render(d, '', step);
          if (blank) text = text.replace('\n', '\n\n');
          text += tail;
          const fast = parseSimpleYamlMap(text);
          if (fast === undefined) return;
          answered++;
          const full = loadYaml(text);
          expect(full.ok).toBe(true);
          if (full.ok) expect(fast).toStrictEqual(full.value.data);
        },
      ),
      { numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(300);
  });
});
