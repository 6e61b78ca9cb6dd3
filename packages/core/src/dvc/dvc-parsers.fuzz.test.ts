// biome-ignore-all lint/suspicious/noTemplateCurlyInString: DVC's own ${…} syntax is what these tests feed in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document } from 'yaml';
import { ParseError } from '../errors/parse-error.ts';
import type { Result } from '../errors/result.ts';
import { parseDvcConfig } from './dvc-config.ts';
import { parseDvcFile, serializeDvcFile } from './dvc-file.ts';
import { parseDvcLock, serializeDvcLock } from './dvc-lock.ts';
import { parseDvcYaml } from './dvc-yaml.ts';
import { expandStages } from './expand-stages.ts';

/** Either a value or a ParseError: never anything thrown. */
function typed<T>(r: Result<T>): Result<T> {
  if (!r.ok) {
    expect(r.error).toBeInstanceOf(ParseError);
    expect(typeof r.error.message).toBe('string');
  }
  return r;
}

const key = fc.constantFrom(
  'stages',
  'cmd',
  'deps',
  'outs',
  'params',
  'metrics',
  'plots',
  'vars',
  'foreach',
  'do',
  'matrix',
  'wdir',
  'path',
  'md5',
  'size',
  'nfiles',
  'hash',
  'cache',
  'frozen',
  'schema',
  'item',
  'x',
  'y',
  'always_changed',
  'a',
  'b',
);
const scalar = fc.oneof(
  fc.constantFrom('${item}', '${a.b}', '${x[0]}', 'md5', '2.0', 'data/x', '${key}', 'echo ${item.a}'),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
  ),
}));
const dvcLike = fc.dictionary(key, tree, { maxKeys: 6 }).map((v) => new Document(v).toString());
const text = fc.oneof(fc.string({ maxLength: 300 }), dvcLike);
const RUNS = { numRuns: 500 };
/** Generous: these machines are shared, and a property runs hundreds of cases. */
const TIMEOUT = 120_000;

describe('DVC parsers never throw (fast-check)', () => {
  it(
    'parseDvcFile / serializeDvcFile',
    () => {
      fc.assert(
        fc.property(text, (t) => {
          const r = typed(parseDvcFile(t));
          if (r.ok) expect(typeof serializeDvcFile(r.value, t)).toBe('string');
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
  it(
    'parseDvcLock / serializeDvcLock',
    () => {
      fc.assert(
        fc.property(text, (t) => {
          const r = typed(parseDvcLock(t));
          if (r.ok) {
            expect(serializeDvcLock(r.value, t)).toBe(t);
            const again = parseDvcLock(serializeDvcLock(r.value));
            expect(again.ok).toBe(true);
          }
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
  it(
    'parseDvcYaml + expandStages',
    () => {
      fc.assert(
        fc.property(text, tree, (t, vars) => {
          const r = typed(parseDvcYaml(t));
          if (r.ok) typed(expandStages(r.value, { files: { 'params.yaml': vars } }));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
  it(
    'expandStages on generated pipelines with foreach, matrix, vars and ${…}',
    () => {
      const word = fc.constantFrom('a', 'b', 'item', 'key', 'x', 'item.a', 'a.b', 'x[0]', 'a[1]', 'item.0', '', 'nope');
      const interp = fc
        .array(
          fc.oneof(
            fc.constantFrom('run ', '-', '/', ' ', '\\'),
            word.map((w) => `\${${w}}`),
          ),
          { maxLength: 4 },
        )
        .map((p) => p.join('') || 'x');
      const stage = fc.record(
        {
          cmd: fc.oneof(interp, fc.array(interp, { maxLength: 2 })),
          deps: fc.array(interp, { maxLength: 2 }),
          outs: fc.array(
            fc.oneof(
              interp,
              interp.map((p) => ({ [p]: { cache: false } })),
            ),
            { maxLength: 2 },
          ),
          params: fc.array(fc.oneof(word, fc.constant({ 'p.yaml': null })), { maxLength: 2 }),
          wdir: interp,
        },
        { requiredKeys: ['cmd'] },
      );
      const group = fc.oneof(
        stage,
        fc.record({
          foreach: fc.oneof(
            fc.array(tree, { maxLength: 3 }),
            fc.dictionary(fc.string({ maxLength: 3 }), tree, { maxKeys: 3 }),
            fc.constant('${a}'),
          ),
          do: stage,
        }),
        stage.chain((s) =>
          fc
            .record({
              matrix: fc.dictionary(
                fc.constantFrom('a', 'b'),
                fc.oneof(fc.array(tree, { maxLength: 3 }), fc.constant('${x}')),
                { minKeys: 1, maxKeys: 2 },
              ),
            })
            .map((m) => ({ ...s, ...m })),
        ),
      );
      const doc = fc.record({
        vars: fc.array(
          fc.oneof(fc.dictionary(word, tree, { maxKeys: 3 }), fc.constantFrom('p.yaml', 'p.yaml:a', 'missing.yaml')),
          { maxLength: 3 },
        ),
        stages: fc.dictionary(fc.constantFrom('s', 't', 'u@v', 'w'), group, { maxKeys: 3 }),
      });
      fc.assert(
        fc.property(doc, tree, tree, (d, params, pfile) => {
          const r = typed(parseDvcYaml(new Document(d).toString()));
          if (r.ok) typed(expandStages(r.value, { files: { 'params.yaml': params, 'p.yaml': pfile } }));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'parseDvcConfig',
    () => {
      const ini = fc
        .array(
          fc.oneof(
            fc.constantFrom('[core]', '[\'remote "x"\']', '[remote "y"]', '    url = a', 'remote = x', '#c', ''),
            fc.string({ maxLength: 20 }),
          ),
          {
            maxLength: 10,
          },
        )
        .map((l) => l.join('\n'));
      fc.assert(
        fc.property(fc.oneof(ini, fc.string()), (t) => {
          typed(parseDvcConfig(t));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});
