import { describe, expect, it } from 'vitest';
import type { GitTreeEntry } from '../git/read-context.ts';
import type { ManifestEntry } from './dir-manifest.ts';
import { type BrowseSource, resolveBrowsePath } from './dvc-overlay.ts';
import { parseLockOuts } from './lock-outs.ts';

const MODEL = 'a'.repeat(32);
const PREPARED = `${'b'.repeat(32)}.dir`;
const LOCK = `schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py
    outs:
    - path: data/prepared
      hash: md5
      md5: ${PREPARED}
      size: 30
      nfiles: 2
  train:
    cmd: python src/train.py
    outs:
    - path: models/model.pkl
      hash: md5
      md5: ${MODEL}
      size: 1234
    - path: outputs/run1/weights.bin
      hash: md5
      md5: ${'c'.repeat(32)}
      size: 5
  evaluate:
    cmd: python src/evaluate.py
    outs:
    - path: metrics.json
      hash: md5
      md5: ${'d'.repeat(32)}
      cache: false
`;

/** A commit held in memory: file texts by path (folders implied), the BrowseSource port without git. */
function treeSource(files: Record<string, string>, manifests: Record<string, ManifestEntry[]> = {}): BrowseSource {
  const entriesOf = (folder: string): GitTreeEntry[] => {
    const seen = new Map<string, GitTreeEntry>();
    for (const path of Object.keys(files)) {
      if (folder && !path.startsWith(`${folder}/`)) continue;
      const rest = folder ? path.slice(folder.length + 1) : path;
      const [name = '', ...more] = rest.split('/');
      const full = folder ? `${folder}/${name}` : name;
      seen.set(name, { name, path: full, type: more.length ? 'tree' : 'blob', oid: full, mode: '100644' });
    }
    return [...seen.values()];
  };
  return {
    readPath: async (path) => {
      if (files[path] !== undefined) return { type: 'blob', oid: path, path, mode: '100644' };
      const entries = entriesOf(path);
      if (!entries.length) throw Object.assign(new Error(`no ${path}`), { code: 'PATH_NOT_FOUND' });
      return { type: 'tree', oid: path, path, entries };
    },
    readText: async (oid) => files[oid] ?? '',
    loadManifest: async (id) => manifests[id] ?? null,
  };
}

const source = treeSource(
  { 'dvc.lock': LOCK, 'dvc.yaml': 'stages: {}\n', 'models/.gitignore': '/model.pkl\n', 'data/raw.dvc': '' },
  {
    [`md5/${PREPARED}`]: [
      { relpath: 'train.csv', md5: 'e'.repeat(32), size: 20 },
      { relpath: 'val.csv', md5: 'f'.repeat(32), size: 10 },
    ],
  },
);

describe('pipeline outputs from dvc.lock in the tree', () => {
  it('reads the cached outs of every stage, leaving out those kept in git', () => {
    expect(parseLockOuts(LOCK, 'dvc.lock').map((o) => [o.stage, o.path, o.object])).toEqual([
      ['prepare', 'data/prepared', `md5/${PREPARED}`],
      ['train', 'models/model.pkl', `md5/${MODEL}`],
      ['train', 'outputs/run1/weights.bin', `md5/${'c'.repeat(32)}`],
    ]);
  });

  it('lists an output beside the git files of its folder, with its size and stage', async () => {
    const target = await resolveBrowsePath(source, 'models');
    expect(target.kind === 'folder' && target.entries.map((e) => [e.name, e.source, e.size, e.stage])).toEqual([
      ['.gitignore', 'git', null, undefined],
      ['model.pkl', 'dvc', 1234, 'train'],
    ]);
  });

  it('opens an output file as data and an output folder through its manifest', async () => {
    expect(await resolveBrowsePath(source, 'models/model.pkl')).toMatchObject({
      kind: 'dvc-file',
      object: `md5/${MODEL}`,
      size: 1234,
      out: { pointer: 'dvc.lock', stage: 'train' },
    });
    const data = await resolveBrowsePath(source, 'data');
    expect(data.kind === 'folder' && data.entries.map((e) => [e.name, e.type, e.nfiles])).toEqual([
      ['prepared', 'folder', 2],
      ['raw.dvc', 'file', null],
    ]);
    const prepared = await resolveBrowsePath(source, 'data/prepared');
    expect(prepared.kind === 'dvc-folder' && prepared.entries.map((e) => e.path)).toEqual([
      'data/prepared/train.csv',
      'data/prepared/val.csv',
    ]);
    expect(await resolveBrowsePath(source, 'data/prepared/val.csv')).toMatchObject({ kind: 'dvc-file', size: 10 });
  });

  it('shows folders that only pipeline outputs live in, and still refuses unknown paths', async () => {
    const root = await resolveBrowsePath(source, '');
    expect(root.kind === 'folder' && root.entries.find((e) => e.name === 'outputs')).toMatchObject({
      type: 'folder',
      source: 'pipeline',
    });
    const run = await resolveBrowsePath(source, 'outputs/run1');
    expect(run.kind === 'folder' && run.entries.map((e) => e.path)).toEqual(['outputs/run1/weights.bin']);
    expect(await resolveBrowsePath(source, 'outputs/run1/weights.bin')).toMatchObject({ kind: 'dvc-file', size: 5 });
    await expect(resolveBrowsePath(source, 'outputs/run2')).rejects.toMatchObject({ code: 'PATH_NOT_FOUND' });
    await expect(resolveBrowsePath(source, 'metrics.json')).rejects.toMatchObject({ code: 'PATH_NOT_FOUND' });
  });

  it('warns, rather than failing the folder, when dvc.lock cannot be read', async () => {
    const broken = treeSource({ 'dvc.lock': 'stages: [oops\n', 'README.md': '# x\n' });
    const root = await resolveBrowsePath(broken, '');
    expect(root.kind === 'folder' && root.entries.map((e) => e.name)).toEqual(['README.md', 'dvc.lock']);
    expect(root.kind === 'folder' && root.warnings[0]).toMatch(/^Pipeline outputs are not shown: dvc\.lock:\d+:\d+: /);
  });
});
