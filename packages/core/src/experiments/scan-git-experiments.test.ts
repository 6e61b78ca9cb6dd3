import { describe, expect, it } from 'vitest';
import { fixture } from '../dvc/fixtures.ts';
import { MemoryGit } from '../git/memory-git.test-support.ts';
import { SCAN_FORMAT_VERSION, type ScanCache, type ScanCacheEntry } from './scan-cache.ts';
import { GitExperimentScanner } from './scan-git-experiments.ts';

/** metrics.csv as the DagsHub logger writes it: LF header, CRLF rows, quoted names. */
function metricsCsv(rows: [string, number, number, number][]): string {
  return `Name,Value,Timestamp,Step\n${rows.map(([n, v, t, s]) => `"${n}",${v},${t},${s}\r\n`).join('')}`;
}

/** A data folder that never changes: the scanner must index it once, not once per commit. */
const DATA = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`data/raw/part-${i}.txt`, `row ${i}\n`]));

function kind(i: number): 'both' | 'params' | 'code' {
  if (i % 7 === 3) return 'code';
  if (i % 5 === 4) return 'params';
  return 'both';
}

/** 50 commits on main: most change metrics.csv and params.yml, some only params, some only code. */
function generatedRepo() {
  const git = new MemoryGit();
  let files: Record<string, string> = { ...DATA, 'src/train.py': 'print(1)\n' };
  let parent: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    const k = i === 0 ? 'both' : kind(i);
    files = { ...files };
    if (k === 'code') files['src/train.py'] = `print(${i})\n`;
    if (k === 'both' || k === 'params') files['params.yml'] = `lr: ${(i + 1) / 1000}\nmodel:\n  depth: ${i % 4}\n`;
    if (k === 'both') {
      files['metrics.csv'] = metricsCsv([
        ['loss', 1 / (i + 1), 1_700_000_000_000 + i, 1],
        ['loss', 0.5 / (i + 1), 1_700_000_000_100 + i, 2],
        ['acc', i / 100, 1_700_000_000_100 + i, 2],
      ]);
    }
    const oid = git.commit(files, parent, `commit ${i}`);
    ids.push(oid);
    parent = [oid];
  }
  git.setRef('refs/heads/main', ids[49] as string);
  return { git, ids, files };
}

describe('git experiments from a generated 50-commit history', () => {
  it('finds a run for each commit that changed metrics or params, with the right values', async () => {
    const { git, ids } = generatedRepo();
    const runs = await new GitExperimentScanner(git).scan();
    const expected = ids.map((_, i) => (i === 0 ? 'both' : kind(i))).filter((k) => k !== 'code').length;
    expect(runs).toHaveLength(expected);
    // Newest first.
    expect(runs[0]?.run.id).toBe(ids[49]);

    const r11 = runs.find((r) => r.run.id === ids[11]);
    expect(r11?.metricsState).toBe('present');
    expect(r11?.run.params).toEqual({ lr: '0.012', 'model.depth': '3' });
    // The value is the last by step: 0.5/12, not the first row.
    expect(r11?.run.metrics).toEqual({ loss: 0.5 / 12, acc: 0.11 });
    expect(r11?.run.metricSummaries.loss).toMatchObject({ min: 0.5 / 12, max: 1 / 12, count: 2, step: 2 });
    expect(r11?.history).toHaveLength(3);
    expect(r11?.run.source).toEqual({ kind: 'git', commit: ids[11], branch: 'main' });
    expect(r11?.run.name).toBe('commit 11');

    const r9 = runs.find((r) => r.run.id === ids[9]);
    expect(r9?.metricsState).toBe('params-only');
    expect(r9?.run.metrics).toEqual({});
    expect(r9?.run.tags['cairn.metrics_state']).toBe('params-only');
    expect(runs.find((r) => r.run.id === ids[3])).toBeUndefined();
  });

  it('indexes an unchanged folder once, and a rescan after new commits reads only those', async () => {
    const { git, ids, files } = generatedRepo();
    const scanner = new GitExperimentScanner(git);
    await scanner.scan();
    // 50 root trees + src/ changes + the data folder and data/raw once each.
    expect(git.reads.trees).toBeLessThan(50 + 10 + 2 + 2);
    const before = { ...git.reads };

    let parent = ids[49] as string;
    for (let i = 50; i < 55; i++) {
      parent = git.commit(
        { ...files, 'params.yml': `lr: ${i}\n`, 'metrics.csv': metricsCsv([['loss', i, 1, 1]]) },
        [parent],
        `commit ${i}`,
      );
    }
    git.setRef('refs/heads/main', parent);
    const runs = await scanner.scan();
    expect(runs[0]?.run.params).toEqual({ lr: '54' });
    expect(git.reads.commits - before.commits).toBe(5);
    expect(git.reads.trees - before.trees).toBe(5);
    expect(git.reads.blobs - before.blobs).toBe(10);
  });

  it('scans every branch and DVC experiment ref, naming each run by the first ref reaching it', async () => {
    const { git, ids, files } = generatedRepo();
    const f1 = git.commit({ ...files, 'params.yml': 'lr: 9\n' }, [ids[20] as string], 'try lr 9');
    git.setRef('refs/heads/feature', f1);
    const e1 = git.commit({ ...files, 'params.yml': 'lr: 7\n' }, [ids[49] as string], 'dvc: commit experiment 1234');
    git.setRef(`refs/exps/${(ids[49] as string).slice(0, 2)}/${(ids[49] as string).slice(2)}/bold-lark`, e1);
    const runs = await new GitExperimentScanner(git).scan();
    const feature = runs.find((r) => r.run.id === f1);
    expect(feature?.run.source).toMatchObject({ branch: 'feature' });
    // Its metrics.csv differs from commit 20's, so its metrics are its own.
    expect(feature?.metricsState).toBe('present');
    const exp = runs.find((r) => r.run.id === e1);
    expect(exp?.run.name).toBe('bold-lark');
    expect(exp?.run.tags['cairn.dvc_experiment']).toBe('bold-lark');
    // A commit on main, feature and the experiment belongs to main (listed first) and knows all three.
    expect(runs.find((r) => r.run.id === ids[20])?.refs).toEqual(['main', 'feature', expect.stringMatching(/^exps\//)]);
  });

  it('scans a shallow history: a parent that is not in the repository is the boundary', async () => {
    const git = new MemoryGit();
    const c = git.commit(
      { 'params.yml': 'lr: 1\n', 'metrics.csv': metricsCsv([['loss', 1, 1, 1]]) },
      ['f'.repeat(40)],
      'shallow',
    );
    git.setRef('refs/heads/main', c);
    const runs = await new GitExperimentScanner(git).scan();
    expect(runs.map((r) => r.run.id)).toEqual([c]);
    expect(runs[0]?.metricsState).toBe('present');
  });

  it('reports a damaged params file with its position instead of failing the scan', async () => {
    const git = new MemoryGit();
    const c = git.commit({ 'params.yml': 'lr: [1, 2\n', 'metrics.csv': metricsCsv([['loss', 1, 1, 1]]) }, [], 'bad');
    git.setRef('refs/heads/main', c);
    const [run] = await new GitExperimentScanner(git).scan();
    expect(run?.run.metrics).toEqual({ loss: 1 });
    expect(run?.problems[0]).toMatchObject({ file: 'params.yml', code: 'yaml_syntax' });
    expect(run?.problems[0]?.line).toBeGreaterThan(0);
  });
});

describe('metrics CSV files named by dvc.yaml', () => {
  it('reads the DagsHub header as a series and reports another table at its header', async () => {
    const git = new MemoryGit();
    const c = git.commit(
      {
        'dvc.yaml': 'metrics:\n  - eval/metrics.csv\n  - logs/train.csv\n',
        'eval/metrics.csv': 'epoch,loss,acc\n1,0.5,0.8\n',
        'logs/train.csv': metricsCsv([
          ['loss', 0.5, 1_700_000_000_000, 1],
          ['loss', 0.25, 1_700_000_000_100, 2],
        ]),
      },
      [],
      'train',
    );
    git.setRef('refs/heads/main', c);
    const [run] = await new GitExperimentScanner(git).scan();
    expect(run?.metricsState).toBe('present');
    expect(run?.run.metrics).toEqual({ 'logs/train.csv:loss': 0.25 });
    expect(run?.history).toHaveLength(2);
    expect(run?.metricsFiles).toEqual(['eval/metrics.csv', 'logs/train.csv']);
    expect(run?.problems).toEqual([
      expect.objectContaining({ file: 'eval/metrics.csv', code: 'unsupported_format', line: 1, column: 1 }),
    ]);
  });
});

describe('git experiments from the real DVC and DagsHub fixtures', () => {
  it('example-get-started (DVC 3): metrics inside the `eval` output are shown as in DVC data', async () => {
    const git = new MemoryGit();
    const base = {
      'dvc.yaml': fixture('example-get-started/main/dvc.yaml'),
      'dvc.lock': fixture('example-get-started/main/dvc.lock'),
      'params.yaml': fixture('example-get-started/main/params.yaml'),
      'data/data.xml.dvc': fixture('example-get-started/main/data/data.xml.dvc'),
    };
    const c1 = git.commit(base, [], 'baseline');
    const params2 = base['params.yaml'].replace('n_est: 50', 'n_est: 100');
    const c2 = git.commit(
      { ...base, 'params.yaml': params2, 'dvc.lock': `${base['dvc.lock']}\n` },
      [c1],
      'dvc: commit experiment abc',
    );
    git.setRef('refs/heads/main', c1);
    git.setRef(`refs/exps/${c1.slice(0, 2)}/${c1.slice(2)}/warm-seal`, c2);
    const runs = await new GitExperimentScanner(git).scan();
    expect(runs).toHaveLength(2);
    const exp = runs.find((r) => r.run.id === c2);
    expect(exp?.metricsState).toBe('in-dvc-data');
    expect(exp?.dvcMetricsFiles).toEqual(['eval/metrics.json']);
    expect(exp?.run.metrics).toEqual({});
    expect(exp?.run.params['train.n_est']).toBe('100');
    // The outputs' hashes dvc.lock records: what the experiment produced.
    expect(exp?.outs).toEqual({
      'data/prepared': '153aad06d376b6595932470e459ef42a.dir',
      'data/features': 'f35d4cc2c552ac959ae602162b8543f3.dir',
      'model.pkl': 'd1f6e055f7f5e2827fcfae68d9b64d4c',
      eval: '80a081570c800c60b9b98ca4b3c91dd7.dir',
    });
    expect(exp?.run.tags['dvc.out:model.pkl']).toBe('d1f6e055f7f5e2827fcfae68d9b64d4c');
    // Only the params the stages track, flattened with dots.
    expect(Object.keys(exp?.run.params ?? {}).sort()).toEqual([
      'featurize.max_features',
      'featurize.ngrams',
      'prepare.seed',
      'prepare.split',
      'train.min_split',
      'train.n_est',
      'train.seed',
    ]);
    expect(exp?.run.name).toBe('warm-seal');
    expect(runs.find((r) => r.run.id === c1)?.run.params['train.n_est']).toBe('50');
  });

  it('example-get-started (DVC 2): evaluation.json kept in git gives the metrics', async () => {
    const git = new MemoryGit();
    const c = git.commit(
      {
        'dvc.yaml': fixture('example-get-started/dvc2-799c9ad/dvc.yaml'),
        'dvc.lock': fixture('example-get-started/dvc2-799c9ad/dvc.lock'),
        'params.yaml': fixture('example-get-started/dvc2-799c9ad/params.yaml'),
        'evaluation.json': fixture('example-get-started/dvc2-799c9ad/evaluation.json'),
      },
      [],
      'evaluate',
    );
    git.setRef('refs/heads/main', c);
    const [run] = await new GitExperimentScanner(git).scan();
    expect(run?.metricsState).toBe('present');
    expect(run?.run.metrics).toEqual({ avg_prec: 0.9249974999612706, roc_auc: 0.9460213440787918 });
    expect(run?.metricsFiles).toEqual(['evaluation.json']);
  });

  it('DagsHub logger files (current and legacy formats)', async () => {
    const git = new MemoryGit();
    const c = git.commit(
      {
        'metrics.csv': fixture('dagshub-logger-current/metrics.csv'),
        'params.yml': fixture('dagshub-logger-current/params.yml'),
      },
      [],
      'kmeans',
    );
    const legacy = git.commit(
      {
        'metrics.csv': fixture('dagshub-logger-legacy/hyperparams-as-dependency.metrics.csv'),
        'params.yml': fixture('dagshub-logger-legacy/hyperparams-as-dependency.params.yml'),
      },
      [c],
      'legacy',
    );
    git.setRef('refs/heads/main', legacy);
    const runs = await new GitExperimentScanner(git).scan();
    const current = runs.find((r) => r.run.id === c);
    expect(current?.run.metrics).toEqual({ k_best: 4, score_best: 4212.831398807721 });
    expect(current?.run.params['model.n_clusters']).toBe('4');
    expect(current?.run.params['model.random_state']).toBe('None');
    const old = runs.find((r) => r.run.id === legacy);
    expect(old?.metricsState).toBe('present');
    expect(old?.run.metricSummaries.loss?.count).toBeGreaterThan(10);
    expect(old?.run.params).toMatchObject({ learning_rate: '0.02', gpus: 'None' });
  });
});

/** A ScanCache in memory that round-trips entries through structured clone, as IndexedDB does. */
function memoryCache() {
  const stored = new Map<string, ScanCacheEntry>();
  const cache: ScanCache = {
    async load() {
      return structuredClone([...stored.values()]);
    },
    async save(entries) {
      for (const e of structuredClone(entries)) stored.set(e.oid, e);
    },
    async prune(keep) {
      for (const oid of [...stored.keys()]) if (!keep.has(oid)) stored.delete(oid);
    },
  };
  return { cache, stored };
}

describe('the scan cache across sessions', () => {
  it('a new scanner over the same cache reads no commit, tree or blob, and finds the same runs', async () => {
    const { git } = generatedRepo();
    const { cache, stored } = memoryCache();
    const first = await new GitExperimentScanner(git, { cache }).scan();
    expect(stored.size).toBe(50);
    const before = { ...git.reads };
    const second = await new GitExperimentScanner(git, { cache }).scan();
    expect(git.reads).toEqual(before);
    expect(second).toEqual(first);
  });

  it('after a new commit, the next session reads that commit and only the folders it changed', async () => {
    const { git, ids, files } = generatedRepo();
    const { cache } = memoryCache();
    await new GitExperimentScanner(git, { cache }).scan();
    const c = git.commit(
      { ...files, 'params.yml': 'lr: 5\n', 'metrics.csv': metricsCsv([['loss', 5, 1, 1]]) },
      [ids[49] as string],
      'new',
    );
    git.setRef('refs/heads/main', c);
    const before = { ...git.reads };
    const runs = await new GitExperimentScanner(git, { cache }).scan();
    expect(runs[0]?.run.id).toBe(c);
    expect(runs[0]?.run.params).toEqual({ lr: '5' });
    expect(runs[0]?.run.metrics).toEqual({ loss: 5 });
    expect(git.reads.commits - before.commits).toBe(1);
    // Its root tree and its parent's: the unchanged data/ and src/ folders are not read.
    expect(git.reads.trees - before.trees).toBe(2);
    expect(git.reads.blobs - before.blobs).toBe(2);
    // And the third session reads nothing at all.
    const again = { ...git.reads };
    await new GitExperimentScanner(git, { cache }).scan();
    expect(git.reads).toEqual(again);
  });

  it('keeps no copy of the history for commits whose metrics files are their parent’s', async () => {
    const { git, ids } = generatedRepo();
    const { cache, stored } = memoryCache();
    const first = await new GitExperimentScanner(git, { cache }).scan();
    // Commit 3 changed only code, commit 9 only params: their metrics files are commit 2's / 8's.
    for (const i of [3, 9]) {
      const e = stored.get(ids[i] as string);
      expect(e?.analysis.historyOmitted).toBe(true);
      expect(e?.analysis.history).toEqual([]);
      expect(e?.analysis.historyPoints).toBe(3);
    }
    expect(stored.get(ids[11] as string)?.analysis.history).toHaveLength(3);
    expect(await new GitExperimentScanner(git, { cache }).scan()).toEqual(first);

    // If such a commit's parent is ever gone (a shallow clone), its history is read again.
    const child = ids[9] as string;
    const parent = ids[8] as string;
    git.commitObjects.delete(parent);
    stored.delete(parent);
    git.setRef('refs/heads/main', child);
    const runs = await new GitExperimentScanner(git, { cache }).scan();
    expect(runs.map((r) => r.run.id)).toEqual([child]);
    expect(runs[0]?.metricsState).toBe('present');
    expect(runs[0]?.history).toHaveLength(3);
  });

  it('drops the entries of commits no ref reaches any more', async () => {
    const { git, ids, files } = generatedRepo();
    const side = git.commit({ ...files, 'params.yml': 'lr: 42\n' }, [ids[49] as string], 'side');
    git.setRef('refs/heads/side', side);
    const { cache, stored } = memoryCache();
    await new GitExperimentScanner(git, { cache }).scan();
    expect(stored.has(side)).toBe(true);
    git.refs.splice(
      git.refs.findIndex((r) => r.ref === 'refs/heads/side'),
      1,
    );
    await new GitExperimentScanner(git, { cache }).scan();
    expect(stored.has(side)).toBe(false);
    expect(stored.size).toBe(50);
  });

  it('ignores entries of another scanner version, and survives a cache that fails', async () => {
    const { git } = generatedRepo();
    const { cache, stored } = memoryCache();
    const first = await new GitExperimentScanner(git, { cache }).scan();
    for (const e of stored.values()) e.version = SCAN_FORMAT_VERSION - 1;
    const before = { ...git.reads };
    expect(await new GitExperimentScanner(git, { cache }).scan()).toEqual(first);
    expect(git.reads.commits - before.commits).toBe(50);
    expect([...stored.values()].every((e) => e.version === SCAN_FORMAT_VERSION)).toBe(true);

    const broken: ScanCache = {
      load: () => Promise.reject(new Error('quota')),
      save: () => Promise.reject(new Error('quota')),
    };
    expect(await new GitExperimentScanner(git, { cache: broken }).scan()).toEqual(first);
  });
});

describe('dvc.yaml read once per content', () => {
  const dvcYaml = (cmd: string) =>
    `stages:\n  train:\n    cmd: ${cmd}\n    params:\n      - lr\n    metrics:\n      - metrics.json:\n          cache: false\n`;

  function dvcHistory(cmd: string) {
    const git = new MemoryGit();
    let parent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const files = {
        'dvc.yaml': dvcYaml(cmd),
        'params.yaml': `lr: ${i}\n`,
        'metrics.json': `{"acc": ${i / 20}}`,
        'sub/dvc.yaml': dvcYaml(cmd),
        'sub/params.yaml': 'lr: 1\n',
        'sub/metrics.json': '{"acc": 1}',
      };
      parent = [git.commit(files, parent, `exp ${i}`)];
    }
    git.setRef('refs/heads/main', parent[0] as string);
    return git;
  }

  it('a dvc.yaml without interpolation is not read again when only params.yaml changes', async () => {
    const git = dvcHistory('python train.py');
    const runs = await new GitExperimentScanner(git).scan();
    expect(runs).toHaveLength(20);
    expect(runs[0]?.run.params).toMatchObject({ 'params.yaml:lr': '19', 'sub/params.yaml:lr': '1' });
    // The same dvc.yaml content in two folders names each folder's files.
    expect(runs[0]?.metricsFiles).toEqual(['metrics.json', 'sub/metrics.json']);
    expect(runs[0]?.run.metrics).toEqual({ 'metrics.json:acc': 0.95, 'sub/metrics.json:acc': 1 });
    // 20 params.yaml + 20 metrics.json + the sub/ files once + dvc.yaml once per folder.
    expect(git.reads.blobs).toBeLessThanOrEqual(20 + 20 + 2 + 2);
  });

  it('a dvc.yaml that interpolates is read with each params.yaml', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: DVC's interpolation syntax, not a template
    const git = dvcHistory('python train.py --lr ${lr}');
    const runs = await new GitExperimentScanner(git).scan();
    expect(runs).toHaveLength(20);
    expect(git.reads.blobs).toBeGreaterThan(20 + 20 + 2 + 2);
  });
});
