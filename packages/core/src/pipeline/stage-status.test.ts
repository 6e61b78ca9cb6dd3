import { describe, expect, it } from 'vitest';
import { parseDvcLock } from '../dvc/dvc-lock.ts';
import { parseDvcYaml } from '../dvc/dvc-yaml.ts';
import { expandStages } from '../dvc/expand-stages.ts';
import { fixture } from '../dvc/fixtures.ts';
import type { HashKind } from '../dvc/hashed-entry.ts';
import { loadYaml } from '../yaml/load-yaml.ts';
import { stageStatus } from './stage-status.ts';

const DIR = 'example-get-started/main';

function setup() {
  const yaml = parseDvcYaml(fixture(`${DIR}/dvc.yaml`));
  if (!yaml.ok) throw yaml.error;
  const params = loadYaml(fixture(`${DIR}/params.yaml`));
  if (!params.ok) throw params.error;
  const stages = expandStages(yaml.value, { files: { 'params.yaml': params.value.data } });
  if (!stages.ok) throw stages.error;
  const lock = parseDvcLock(fixture(`${DIR}/dvc.lock`));
  if (!lock.ok) throw lock.error;
  // The workspace exactly as the lock recorded it.
  const hashes = new Map<string, string | null>();
  for (const s of Object.values(lock.value.stages)) for (const e of [...s.deps, ...s.outs]) hashes.set(e.path, e.md5!);
  const kinds: [string, HashKind][] = [];
  return {
    stages: stages.value,
    lock: lock.value,
    hashes,
    kinds,
    params: structuredClone(params.value.data) as Record<string, Record<string, unknown>>,
  };
}

function run(s: ReturnType<typeof setup>) {
  const r = stageStatus({
    stages: s.stages,
    lock: s.lock,
    hashOf: (path, kind) => {
      s.kinds.push([path, kind]);
      return s.hashes.has(path) ? s.hashes.get(path)! : null;
    },
    params: { 'params.yaml': s.params },
  });
  if (!r.ok) throw r.error;
  return Object.fromEntries(r.value.map((st) => [st.stage, st.reasons]));
}

describe('stageStatus on example-get-started', () => {
  it('says every stage is up to date when the workspace matches the lock', () => {
    const s = setup();
    const status = run(s);
    expect(status).toEqual({ prepare: [], featurize: [], train: [], evaluate: [] });
    expect(s.kinds).toContainEqual(['data/prepared', 'md5']);
  });

  it('a changed param marks its stage and everything downstream, and nothing upstream', () => {
    const s = setup();
    s.params.featurize!.max_features = 300;
    expect(run(s)).toEqual({
      prepare: [],
      featurize: [
        {
          kind: 'params_changed',
          file: 'params.yaml',
          key: 'featurize.max_features',
          change: 'modified',
          old: 200,
          new: 300,
        },
      ],
      train: [{ kind: 'upstream_changed', stage: 'featurize' }],
      evaluate: [
        { kind: 'upstream_changed', stage: 'featurize' },
        { kind: 'upstream_changed', stage: 'train' },
      ],
    });
  });

  it('reports modified and deleted deps, missing and modified outs, cmd changes, new stages', () => {
    const s = setup();
    s.hashes.set('src/train.py', 'ffff');
    s.hashes.set('src/prepare.py', null);
    s.hashes.delete('eval');
    s.hashes.set('model.pkl', '0000');
    s.stages[0] = { ...s.stages[0]!, cmd: 'python src/prepare.py data/data.xml --fast' };
    s.stages.push({ ...s.stages[3]!, name: 'report', deps: ['eval'], outs: [], params: [] });
    const status = run(s);
    expect(status.prepare).toEqual([
      {
        kind: 'cmd_changed',
        old: 'python src/prepare.py data/data.xml',
        new: 'python src/prepare.py data/data.xml --fast',
      },
      { kind: 'dep_deleted', path: 'src/prepare.py' },
    ]);
    expect(status.train).toEqual([
      { kind: 'dep_modified', path: 'src/train.py' },
      { kind: 'out_modified', path: 'model.pkl' },
      { kind: 'upstream_changed', stage: 'prepare' },
      { kind: 'upstream_changed', stage: 'featurize' },
    ]);
    expect(status.evaluate).toContainEqual({ kind: 'out_missing', path: 'eval' });
    expect(status.evaluate).toContainEqual({ kind: 'dep_modified', path: 'model.pkl' });
    expect(status.report![0]).toEqual({ kind: 'not_in_lock' });
  });

  it('always_changed stages are always changed; frozen stages only check their outputs', () => {
    const s = setup();
    s.stages[0] = { ...s.stages[0]!, alwaysChanged: true };
    s.stages[2] = { ...s.stages[2]!, frozen: true };
    s.hashes.set('src/train.py', 'ffff');
    const status = run(s);
    expect(status.prepare).toEqual([{ kind: 'always_changed' }]);
    expect(status.train).toEqual([
      { kind: 'upstream_changed', stage: 'prepare' },
      { kind: 'upstream_changed', stage: 'featurize' },
    ]);
  });

  it('checks legacy DVC 2 entries with the legacy hash kind', () => {
    const lock = parseDvcLock(fixture('example-get-started/dvc2-799c9ad/dvc.lock'));
    if (!lock.ok) throw lock.error;
    const s = setup();
    s.lock = lock.value;
    run(s);
    expect(s.kinds).toContainEqual(['data/prepared', 'md5-dos2unix']);
  });
});
