import { describe, expect, it } from 'vitest';
import { parseDocPath } from './doc-path.ts';
import { DocPathError } from './errors.ts';

describe('parseDocPath', () => {
  it('names a document of a repository', () => {
    expect(parseDocPath('/yjs/demo/segmentation/notes')).toEqual({
      owner: 'demo',
      repo: 'segmentation',
      doc: 'notes',
      key: 'demo/segmentation/notes',
    });
    expect(parseDocPath('/yjs/a_b/c.d-e/README.md').doc).toBe('README.md');
  });

  it.each([
    '/yjs/demo/segmentation',
    '/yjs/demo/segmentation/notes/extra',
    '/yjs/demo/segmentation/',
    '/yjs/../segmentation/notes',
    '/yjs/demo/../notes',
    '/yjs/demo/segmentation/..',
    '/yjs/demo/segmentation/a..b',
    '/yjs/demo/segmentation/%2e%2e',
    '/yjs/demo/segmentation/.hidden',
    '/yjs/demo/seg.git/notes',
    '/yjs/demo/seg.dvc/notes',
    '/yjs/.git/segmentation/notes',
    '/yjs/demo/segmentation/a\\b',
    '/yjs/demo/segmentation/a\u0000b',
    '/yjs/demo/segmentation/ѕegment',
    `/yjs/demo/segmentation/${'x'.repeat(129)}`,
    `/yjs/${'o'.repeat(101)}/r/notes`,
    '/yjs//segmentation/notes',
    '/api/demo/segmentation/notes',
  ])('refuses %j with a DocPathError', (p) => {
    expect(() => parseDocPath(p)).toThrow(DocPathError);
  });
});
