import { loadRepoPipeline } from '@cairn/core';
import { describe, expect, it } from 'vitest';
import { datasetsOf, isModelFile, joinPath, notebookSummary, shortMessage } from './catalog.ts';

const FILES: Record<string, string> = {
  'data/raw.dvc':
    'outs:\n- md5: 0123456789abcdef0123456789abcdef.dir\n  size: 5000\n  nfiles: 3\n  hash: md5\n  path: raw\n',
  'legacy.csv.dvc': 'outs:\n- md5: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n  size: 12\n  path: legacy.csv\n',
  'dvc.yaml':
    'stages:\n  prepare:\n    cmd: python prep.py\n    deps:\n    - data/raw\n    outs:\n    - data/prepared\n  train:\n    cmd: python train.py\n    deps:\n    - data/prepared/train.csv\n    outs:\n    - models/model.onnx\n    metrics:\n    - metrics.json:\n        cache: false\n',
  'dvc.lock':
    "schema: '2.0'\nstages:\n  prepare:\n    cmd: python prep.py\n    deps:\n    - path: data/raw\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef.dir\n      size: 5000\n      nfiles: 3\n    outs:\n    - path: data/prepared\n      hash: md5\n      md5: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.dir\n      size: 700\n      nfiles: 2\n  train:\n    cmd: python train.py\n    deps:\n    - path: data/prepared/train.csv\n      hash: md5\n      md5: cccccccccccccccccccccccccccccccc\n      size: 400\n    outs:\n    - path: metrics.json\n      hash: md5\n      md5: dddddddddddddddddddddddddddddddd\n      size: 30\n    - path: models/model.onnx\n      hash: md5\n      md5: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n      size: 9000\n",
};

describe('datasetsOf', () => {
  it('lists .dvc and dvc.lock outputs with sizes, stages, users, cache and hash kind', async () => {
    const p = await loadRepoPipeline({ paths: Object.keys(FILES), read: (f) => FILES[f] });
    expect(p.errors).toEqual([]);
    const d = datasetsOf(p);
    expect(d.map((x) => [x.path, x.recordedIn, x.stage, x.size, x.nfiles, x.isDir, x.cached, x.legacy])).toEqual([
      ['data/prepared', 'dvc.lock', 'prepare', 700, 2, true, true, false],
      ['data/raw', 'data/raw.dvc', null, 5000, 3, true, true, false],
      ['legacy.csv', 'legacy.csv.dvc', null, 12, null, false, true, true],
      ['metrics.json', 'dvc.lock', 'train', 30, null, false, false, false],
      ['models/model.onnx', 'dvc.lock', 'train', 9000, null, false, true, false],
    ]);
    expect(d.find((x) => x.path === 'data/raw')?.usedBy).toEqual(['prepare']);
    // A dep on a file inside an output folder counts as using the folder.
    expect(d.find((x) => x.path === 'data/prepared')?.usedBy).toEqual(['train']);
  });
});

describe('notebookSummary', () => {
  it('reads the title, kernel, cell count and first image', () => {
    const nb = {
      cells: [
        { cell_type: 'code', source: ['x = 1'], outputs: [] },
        { cell_type: 'markdown', source: ['Intro\n', '## Class balance ##\n'] },
        { cell_type: 'markdown', source: '# Later heading' },
        {
          cell_type: 'code',
          source: 'plot()',
          outputs: [{ data: { 'image/png': 'iVBORw0KGgo=\n', 'text/plain': 'fig' } }],
        },
      ],
      metadata: { kernelspec: { display_name: 'Python 3 (ipykernel)', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    expect(notebookSummary('a.ipynb', JSON.stringify(nb))).toMatchObject({
      title: 'Class balance',
      kernel: 'Python 3 (ipykernel)',
      cells: 4,
      thumbnail: 'data:image/png;base64,iVBORw0KGgo=',
      preview: 'x = 1',
      problem: null,
    });
  });

  it('never throws on files that are not notebooks, and refuses unsafe image data', () => {
    expect(notebookSummary('x.ipynb', '{not json').problem).toMatch(/Not valid JSON/);
    expect(notebookSummary('x.ipynb', '[1,2]').problem).toMatch(/no cells/);
    expect(notebookSummary('x.ipynb', 'null').problem).toMatch(/no cells/);
    const evil = { cells: [{ cell_type: 'code', outputs: [{ data: { 'image/png': '"><script>' } }] }] };
    expect(notebookSummary('x.ipynb', JSON.stringify(evil)).thumbnail).toBeNull();
  });
});

describe('paths and model files', () => {
  it('joins and normalises', () => {
    expect(joinPath('', '.', 'a/b', '../c')).toBe('a/c');
    expect(joinPath('sub', 'x.dvc')).toBe('sub/x.dvc');
  });
  it('shortens commit subjects at a word', () => {
    expect(shortMessage('More data: 4,000 objects and 32 images; retrain; notebook: training results', 60)).toBe(
      'More data: 4,000 objects and 32 images; retrain; notebook…',
    );
    expect(shortMessage('short', 60)).toBe('short');
  });
  it('knows model file kinds', () => {
    expect(['m.pkl', 'a/b.ONNX', 'w.pt', 'x.safetensors'].every(isModelFile)).toBe(true);
    expect(['data.csv', 'metrics.json', 'images'].some(isModelFile)).toBe(false);
  });
});
