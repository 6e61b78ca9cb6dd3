// biome-ignore-all lint/suspicious/noTemplateCurlyInString: DVC's own ${…} syntax is what these tests feed in.
import { describe, expect, it } from 'vitest';
import { loadYaml } from '../yaml/load-yaml.ts';
import { parseDvcYaml, serializeDvcYaml } from './dvc-yaml.ts';
import { expandStages } from './expand-stages.ts';
import { fixture, fixtures } from './fixtures.ts';

const examples = (kind: 'valid' | 'invalid') =>
  Object.entries(fixtures).filter(([n]) => n.startsWith(`dvcyaml-examples/${kind}/`));

describe('parseDvcYaml against the official schema examples', () => {
  it('accepts every valid example and writes it back unchanged', () => {
    const valid = examples('valid');
    expect(valid.length).toBe(11);
    for (const [name, text] of valid) {
      const r = parseDvcYaml(text, name);
      if (!r.ok) throw new Error(`${name}: ${r.error.describe()}`);
      expect(serializeDvcYaml(r.value.data, text)).toBe(text);
    }
  });

  it('refuses every invalid example with a message naming the key and its line', () => {
    const expected: Record<string, [string, number]> = {
      'artifacts.extra.dvc.yaml': ["'extra' is not allowed in an artifact", 4],
      'foreach.extra.dvc.yaml': ["'else' is not allowed in a foreach stage", 9],
      'matrix.extra.dvc.yaml': ["'extra' is not allowed in a stage", 7],
      'matrix.foreach.dvc.yaml': ['`foreach` and `matrix` cannot be used in the same stage', 3],
      'metrics.extra.dvc.yaml': ["'extra' is not allowed in output flags", 7],
      'outs.extra.dvc.yaml': ["'extra' is not allowed in output flags", 11],
      'plots.extra.dvc.yaml': ["'extra' is not allowed in output flags", 15],
      'stage.extra.dvc.yaml': ["'extra' is not allowed in a stage", 8],
      'toplevel.extra.dvc.yaml': ["'extra' is not allowed in dvc.yaml at the top level", 1],
    };
    const invalid = examples('invalid');
    expect(invalid.length).toBe(9);
    for (const [name, text] of invalid) {
      const r = parseDvcYaml(text, name);
      expect(r.ok, name).toBe(false);
      if (r.ok) continue;
      const [message, line] = expected[name.split('/').pop()!]!;
      expect(r.error.code, name).toBe('schema');
      expect(r.error.message, name).toContain(message);
      expect(r.error.line, name).toBe(line);
      expect(r.error.file).toBe(name);
    }
  });
});

function expand(text: string, files: Record<string, unknown> = {}) {
  const parsed = parseDvcYaml(text);
  if (!parsed.ok) throw parsed.error;
  return expandStages(parsed.value, { files });
}

function paramsOf(name: string): unknown {
  const r = loadYaml(fixture(name));
  if (!r.ok) throw r.error;
  return r.value.data;
}

describe('expandStages', () => {
  it('lists example-get-started stages as DVC does', () => {
    for (const dir of ['main', 'dvc2-799c9ad']) {
      const r = expand(fixture(`example-get-started/${dir}/dvc.yaml`), {
        'params.yaml': paramsOf(`example-get-started/${dir}/params.yaml`),
      });
      if (!r.ok) throw r.error;
      expect(r.value.map((s) => s.name)).toEqual(['prepare', 'featurize', 'train', 'evaluate']);
      expect(r.value[2]!.params).toEqual([
        { file: 'params.yaml', keys: ['train.min_split', 'train.n_est', 'train.seed'] },
      ]);
    }
    const dvc2 = expand(fixture('example-get-started/dvc2-799c9ad/dvc.yaml'));
    if (!dvc2.ok) throw dvc2.error;
    const evaluate = dvc2.value[3]!;
    expect(evaluate.outs.map((o) => [o.path, o.kind, o.cache])).toEqual([
      ['evaluation.json', 'metric', false],
      ['evaluation/importance.png', 'plot', true],
      ['evaluation/plots/confusion_matrix.json', 'plot', false],
      ['evaluation/plots/precision_recall.json', 'plot', false],
      ['evaluation/plots/roc.json', 'plot', false],
    ]);
    expect(evaluate.outs[2]!.plot).toEqual({ template: 'confusion', x: 'actual', y: 'predicted' });
  });

  it('expands foreach over dicts, scalar lists and lists of maps with DVC names', () => {
    const r = expand(
      `stages:
  d:
    foreach: {us: 10, uk: 20}
    do:
      cmd: train --region \${key} --n \${item}
      outs: ['model-\${key}.pkl']
  s:
    foreach: [1, 2, 3]
    do:
      cmd: echo \${item}
  m:
    foreach:
      - os: macos
        pyv: 3.6
      - os: linux
        pyv: 3.8
    do:
      cmd: "echo OS: \${item.os} \${item.pyv}"
`,
    );
    if (!r.ok) throw r.error;
    expect(r.value.map((s) => [s.name, s.cmd])).toEqual([
      ['d@us', 'train --region us --n 10'],
      ['d@uk', 'train --region uk --n 20'],
      ['s@1', 'echo 1'],
      ['s@2', 'echo 2'],
      ['s@3', 'echo 3'],
      ['m@0', 'echo OS: macos 3.6'],
      ['m@1', 'echo OS: linux 3.8'],
    ]);
    expect(r.value[0]!.outs[0]!.path).toBe('model-us.pkl');
    expect(r.value[0]).toMatchObject({ group: 'd', key: 'us' });
  });

  it('expands the matrix example: names, list/dict fragments, dict unpacking in cmd', () => {
    const r = expand(fixture('dvcyaml-examples/valid/matrix.dvc.yaml'));
    if (!r.ok) throw r.error;
    expect(r.value.length).toBe(16);
    expect(r.value[0]!.name).toBe('stage1@processor1-dataset1/-config0-labels0');
    expect(r.value[15]!.name).toBe('stage1@processor2-dataset2/-config1-labels1');
    expect(r.value[0]!.cmd).toBe(
      'python train.py processor1 dataset1/ --n_estimators 150 --max_depth 20 label1 label2 label3',
    );
  });

  it('resolves vars: files, file:keys, inline maps, stage vars, params.yaml default, nested keys and indices', () => {
    const r = expand(
      `vars:
  - config.yaml:model
  - inline: {name: x, list: [a, b]}
stages:
  s:
    wdir: sub
    vars:
      - local.yaml
    cmd: run \${model.depth} \${inline.list[1]} \${inline.list.0} \${train.lr} \${local} \\\${literal}
    deps: ['\${inline.name}.csv']
    params:
      - train.lr
      - other.yaml:
        - a.b
      - whole.toml:
    outs:
      - out-\${model.depth}:
          cache: false
          persist: true
    metrics: [m.json]
    frozen: true
    always_changed: true
`,
      {
        'params.yaml': { train: { lr: 0.1 } },
        'config.yaml': { model: { depth: 3 }, unused: 1 },
        'sub/local.yaml': { local: 'L' },
      },
    );
    if (!r.ok) throw r.error;
    const s = r.value[0]!;
    expect(s.cmd).toBe('run 3 b a 0.1 L ${literal}');
    expect(s.wdir).toBe('sub');
    expect(s.deps).toEqual(['x.csv']);
    expect(s.params).toEqual([
      { file: 'params.yaml', keys: ['train.lr'] },
      { file: 'other.yaml', keys: ['a.b'] },
      { file: 'whole.toml', keys: null },
      // Values that ${…} took from params files are tracked too, relative to the wdir.
      { file: '../config.yaml', keys: ['model.depth'] },
      { file: '../params.yaml', keys: ['train.lr'] },
      { file: 'local.yaml', keys: ['local'] },
    ]);
    expect(s.outs).toEqual([
      { path: 'out-3', kind: 'out', cache: false, persist: true, push: true, checkpoint: false },
      { path: 'm.json', kind: 'metric', cache: true, persist: false, push: true, checkpoint: false },
    ]);
    expect(s.frozen).toBe(true);
    expect(s.alwaysChanged).toBe(true);
  });

  it('tracks values taken from params files in ${…} as stage params, as DVC does', () => {
    const r = expand(
      'vars:\n  - cfg.yaml\n  - inline: {n: 3}\nstages:\n  s:\n    wdir: sub\n    cmd: train --lr ${train.lr} --d ${model.depth} --n ${inline.n}\n    params: [other]\n  f:\n    foreach: [1, 2]\n    do:\n      cmd: echo ${item} ${train.lr}\n',
      { 'params.yaml': { train: { lr: 0.1 } }, 'cfg.yaml': { model: { depth: 4 } } },
    );
    if (!r.ok) throw r.error;
    expect(r.value[0]!.params).toEqual([
      { file: 'params.yaml', keys: ['other'] },
      { file: '../params.yaml', keys: ['train.lr'] },
      { file: '../cfg.yaml', keys: ['model.depth'] },
    ]);
    expect(r.value[1]!.params).toEqual([{ file: 'params.yaml', keys: ['train.lr'] }]);
  });

  it('merges vars maps key by key, and refuses a value redefined differently', () => {
    const merged = expand('vars:\n  - grp: {a: 1}\n  - grp: {b: 2}\nstages:\n  s:\n    cmd: echo ${grp.a} ${grp.b}\n');
    expect(merged.ok && merged.value[0]!.cmd).toBe('echo 1 2');
    const clash = expand('vars:\n  - grp: {a: 1}\n  - grp: {a: 7}\nstages:\n  s:\n    cmd: echo\n');
    expect(clash.ok || clash.error.message).toMatch(/'grp.a' .* already defined/);
    const fromParams = expand('vars:\n  - train: {lr: 0.5}\nstages:\n  s:\n    cmd: echo\n', {
      'params.yaml': { train: { lr: 0.1 } },
    });
    expect(fromParams.ok).toBe(false);
  });

  it('says which variable is missing, and where', () => {
    const r = expand('stages:\n  a:\n    cmd: echo ${nope.x}\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'interpolation', line: 2, file: 'dvc.yaml' });
    expect(r.error.message).toContain("'nope' is not defined");
    const missingFile = expand('vars: [cfg.yaml]\nstages:\n  a:\n    cmd: echo\n');
    expect(missingFile.ok || missingFile.error.code).toBe('missing_file');
    const clash = expand('vars: [{a: 1}, {a: 2}]\nstages:\n  a:\n    cmd: echo\n');
    expect(clash.ok || clash.error.message).toMatch(/already defined/);
    const dictInPath = expand("vars: [{a: {b: 1}}]\nstages:\n  a:\n    cmd: echo\n    deps: ['x-${a}']\n");
    expect(dictInPath.ok || dictInPath.error.message).toMatch(/cannot be put inside a string/);
  });
});
