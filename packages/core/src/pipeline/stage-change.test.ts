import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDvcLock } from '../dvc/dvc-lock.ts';
import { parseDvcYaml } from '../dvc/dvc-yaml.ts';
import { definitionNameOf, diffStageFiles, type StageFiles, stageChangesIn } from './stage-change.ts';

function files(yaml: string | null, lock: string | null): StageFiles {
  const y = yaml === null ? null : parseDvcYaml(yaml);
  const l = lock === null ? null : parseDvcLock(lock);
  if (y && !y.ok) throw y.error;
  if (l && !l.ok) throw l.error;
  return { dvcYaml: y ? y.value : null, lock: l ? l.value : null };
}

const YAML = `stages:
  prepare:
    cmd: python prep.py
    deps: [prep.py]
    outs: [data/prepared]
  train:
    matrix:
      lr: [1, 2]
    cmd: python train.py \${item.lr}
    deps: [data/prepared]
    outs:
      - model-\${item.lr}.pkl
`;
const LOCK = `schema: '2.0'
stages:
  prepare:
    cmd: python prep.py
    deps:
    - path: prep.py
      hash: md5
      md5: 0123456789abcdef0123456789abcdef
      size: 10
    outs:
    - path: data/prepared
      hash: md5
      md5: a1111111111111111111111111111111.dir
      size: 100
      nfiles: 2
  train@1:
    cmd: python train.py 1
    outs:
    - path: model-1.pkl
      hash: md5
      md5: a2222222222222222222222222222222
      size: 5
`;

describe('which stages changed between two dvc.yaml/dvc.lock pairs', () => {
  it('ignores edits to the file that are not a stage entry: comments, spacing, order, other keys', () => {
    const reformatted = `# the pipeline
vars: [{n: 1}]
stages:
  train:
    cmd: python train.py \${item.lr}
    matrix: {lr: [1, 2]}
    outs: ['model-\${item.lr}.pkl']
    deps: [data/prepared]

  prepare: {cmd: python prep.py, deps: [prep.py], outs: [data/prepared]}
`;
    const c = diffStageFiles(files(YAML, LOCK), files(reformatted, LOCK));
    expect([...c.definitions]).toEqual([]);
    expect([...c.locks]).toEqual([]);
  });

  it('names the stage whose command changed and leaves the other alone', () => {
    const c = diffStageFiles(files(YAML, LOCK), files(YAML.replace('python prep.py', 'python prep.py --fast'), LOCK));
    expect(stageChangesIn(c, 'prepare')).toEqual(['definition']);
    expect(stageChangesIn(c, 'train@1')).toEqual([]);
  });

  it('a changed matrix definition changes each of its members; a lock entry only its own stage', () => {
    const lock2 = LOCK.replace('a2222222222222222222222222222222', 'a3333333333333333333333333333333');
    const c = diffStageFiles(files(YAML, LOCK), files(YAML.replace('lr: [1, 2]', 'lr: [1, 2, 3]'), lock2));
    expect(stageChangesIn(c, 'train@1')).toEqual(['definition', 'lock']);
    expect(stageChangesIn(c, 'train@2')).toEqual(['definition']);
    expect(stageChangesIn(c, 'prepare')).toEqual([]);
  });

  it('counts a recorded size or file count as a change, not the order of entries', () => {
    const size = diffStageFiles(files(YAML, LOCK), files(YAML, LOCK.replace('size: 100', 'size: 101')));
    expect([...size.locks]).toEqual(['prepare']);
    const twoDeps = LOCK.replace(
      '      size: 10\n',
      '      size: 10\n    - path: b.py\n      hash: md5\n      md5: a4444444444444444444444444444444\n      size: 3\n',
    );
    const swapped = LOCK.replace(
      '    - path: prep.py\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n      size: 10\n',
      '    - path: b.py\n      hash: md5\n      md5: a4444444444444444444444444444444\n      size: 3\n    - path: prep.py\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n      size: 10\n',
    );
    expect([...diffStageFiles(files(YAML, twoDeps), files(YAML, swapped)).locks]).toEqual([]);
  });

  it('a stage added or removed (or a whole file) changes it', () => {
    const c = diffStageFiles(files(null, null), files(YAML, LOCK));
    expect(stageChangesIn(c, 'prepare')).toEqual(['definition', 'lock']);
    const gone = diffStageFiles(files(YAML, LOCK), files(YAML, null));
    expect(stageChangesIn(gone, 'prepare')).toEqual(['lock']);
  });

  it('splits foreach/matrix names at the first @', () => {
    expect(definitionNameOf('train')).toBe('train');
    expect(definitionNameOf('train@a-1')).toBe('train');
    expect(definitionNameOf('build@us@x')).toBe('build');
  });

  it('holds for generated pipelines: a pair against itself changes nothing; one edited stage is the only one named', () => {
    const stage = fc.record({
      cmd: fc.stringMatching(/^[a-z][a-z .-]{0,12}$/),
      dep: fc.constantFrom('a.py', 'b.py', 'data/x', 'src'),
      md5: fc.stringMatching(/^[a-f][0-9a-f]{31}$/),
      size: fc.nat({ max: 10_000 }),
    });
    const named = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        named.chain((names) =>
          fc.tuple(fc.constant(names), fc.array(stage, { minLength: names.length, maxLength: names.length }), fc.nat()),
        ),
        ([names, stages, pick]) => {
          const write = (list: typeof stages) => ({
            yaml: `stages:\n${names.map((n, i) => `  ${n}:\n    cmd: ${JSON.stringify(list[i]!.cmd)}\n    deps: [${list[i]!.dep}]\n`).join('')}`,
            lock: `schema: '2.0'\nstages:\n${names
              .map(
                (n, i) =>
                  `  ${n}:\n    cmd: ${JSON.stringify(list[i]!.cmd)}\n    deps:\n    - path: ${list[i]!.dep}\n      hash: md5\n      md5: ${list[i]!.md5}\n      size: ${list[i]!.size}\n`,
              )
              .join('')}`,
          });
          const a = write(stages);
          const same = diffStageFiles(files(a.yaml, a.lock), files(a.yaml, a.lock));
          expect(same.definitions.size + same.locks.size).toBe(0);
          const i = pick % names.length;
          const edited = stages.map((s, j) => (j === i ? { ...s, size: s.size + 1, cmd: `${s.cmd}x` } : s));
          const b = write(edited);
          const c = diffStageFiles(files(a.yaml, a.lock), files(b.yaml, b.lock));
          for (const [j, n] of names.entries()) {
            expect(stageChangesIn(c, n)).toEqual(j === i ? ['definition', 'lock'] : []);
          }
          // Symmetric: going back names the same stages.
          const back = diffStageFiles(files(b.yaml, b.lock), files(a.yaml, a.lock));
          expect([...back.definitions].sort()).toEqual([...c.definitions].sort());
          expect([...back.locks].sort()).toEqual([...c.locks].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});
