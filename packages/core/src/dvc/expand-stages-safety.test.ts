// biome-ignore-all lint/suspicious/noTemplateCurlyInString: DVC's own ${…} syntax is what these tests feed in.
import { describe, expect, it } from 'vitest';
import { parseDvcYaml } from './dvc-yaml.ts';
import { expandStages, MAX_GENERATED_STAGES } from './expand-stages.ts';

function expand(text: string, files: Record<string, unknown> = {}, file = 'dvc.yaml') {
  // Literal paths are refused by the parser (exact position), interpolated ones by expandStages.
  const parsed = parseDvcYaml(text, file);
  if (!parsed.ok) return parsed;
  return expandStages(parsed.value, { files });
}

describe('expandStages refuses unsafe paths', () => {
  it.each([
    ['deps: [/etc/passwd]', 'dep'],
    ['deps: [../../x]', 'dep'],
    ["deps: ['a\\\\b']", 'backslash'],
    ['outs: [.git/hooks/post-checkout]', '.git'],
    ['outs: [../.dvc/config]', '.dvc'],
    ['metrics: [/tmp/m.json]', 'metric'],
    ['plots: [../p.csv]', 'plot'],
    ['wdir: ../..', 'wdir'],
    ['params: [{/etc/params.yaml: [a]}]', 'absolute'],
  ])('%s → unsafe_path at the value', (line, word) => {
    const r = parseDvcYaml(`stages:\n  train:\n    cmd: python train.py\n    ${line}\n`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('unsafe_path');
    expect(r.error.file).toBe('dvc.yaml');
    expect(r.error.line).toBe(4);
    expect(r.error.column).toBeGreaterThan(4);
    expect(r.error.message).toContain(word);
  });

  it('checks paths after interpolation and against wdir', () => {
    const bad = expand('stages:\n  s:\n    cmd: x\n    deps:\n    - ${where}/x\n', {
      'params.yaml': { where: '/etc' },
    });
    expect(bad.ok ? 'ok' : bad.error.code).toBe('unsafe_path');
    const good = expand('stages:\n  s:\n    cmd: x\n    wdir: src\n    deps: [../data/x]\n    outs: [../model.pkl]\n');
    expect(good.ok).toBe(true);
    const climbs = expand('stages:\n  s:\n    cmd: x\n    wdir: src\n    deps: [../../x]\n');
    expect(climbs.ok ? 'ok' : climbs.error.code).toBe('unsafe_path');
  });

  it('lets a dvc.yaml in a subfolder reach siblings but not above the root', () => {
    expect(expand('stages:\n  s:\n    cmd: x\n    deps: [../common/x]\n', {}, 'sub/dvc.yaml').ok).toBe(true);
    const r = expand('stages:\n  s:\n    cmd: x\n    deps: [../../x]\n', {}, 'sub/dvc.yaml');
    expect(r.ok ? 'ok' : r.error.code).toBe('unsafe_path');
  });

  it('refuses unsafe top-level metrics and vars with their position', () => {
    const m = parseDvcYaml('metrics:\n- ../../m.json\n', 'sub/dvc.yaml');
    expect(m.ok ? 'ok' : [m.error.code, m.error.line, m.error.column]).toEqual(['unsafe_path', 2, 3]);
    const v = parseDvcYaml('vars:\n- /etc/x.yaml:a\nstages: {}\n');
    expect(v.ok ? 'ok' : [v.error.code, v.error.line]).toEqual(['unsafe_path', 2]);
  });

  it('refuses unsafe vars file names', () => {
    const r = expand('vars: [../../secrets.yaml]\nstages:\n  s:\n    cmd: x\n');
    expect(r.ok ? 'ok' : r.error.code).toBe('unsafe_path');
  });

  it('keeps external (URL) deps and outs', () => {
    expect(expand('stages:\n  s:\n    cmd: x\n    deps: [s3://bucket/in]\n    outs: [remote://r/out]\n').ok).toBe(true);
  });
});

describe('expandStages caps generated stages', () => {
  it('refuses a foreach over a million items before building stages', () => {
    const items = Array.from({ length: 1_000_000 }, (_, i) => i);
    const r = expand('stages:\n  s:\n    foreach: ${items}\n    do:\n      cmd: echo ${item}\n', {
      'params.yaml': { items },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('too_many_stages');
    expect(r.error.line).toBe(2);
    expect(r.error.message).toContain('1,000,000');
  });

  it('refuses a 1000 × 1000 matrix from its axis sizes alone', () => {
    const axis = Array.from({ length: 1000 }, (_, i) => i);
    const r = expand('stages:\n  s:\n    matrix:\n      a: ${axis}\n      b: ${axis}\n    cmd: echo ${item.a}\n', {
      'params.yaml': { axis },
    });
    expect(r.ok ? 'ok' : r.error.code).toBe('too_many_stages');
  });

  it('counts the cap over the whole file and accepts groups within it', () => {
    const half = Array.from({ length: MAX_GENERATED_STAGES / 2 + 1 }, (_, i) => i);
    const text =
      'stages:\n  a:\n    foreach: ${half}\n    do:\n      cmd: echo ${item}\n  b:\n    foreach: ${half}\n    do:\n      cmd: echo ${item}\n';
    const r = expand(text, { 'params.yaml': { half } });
    expect(r.ok ? 'ok' : r.error.code).toBe('too_many_stages');
    const small = expand('stages:\n  a:\n    foreach: [1, 2, 3]\n    do:\n      cmd: echo ${item}\n');
    expect(small.ok && small.value.map((s) => s.name)).toEqual(['a@1', 'a@2', 'a@3']);
  });
});
