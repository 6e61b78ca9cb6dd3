import { describe, expect, it } from 'vitest';
import { blobUrl, commitUrl, decodeSegments, treeUrl } from './urls.ts';

describe('file view URLs', () => {
  it('keeps slashes in branch names and paths, encodes everything else', () => {
    expect(treeUrl('demo', 'seg', 'main')).toBe('/demo/seg/tree/main');
    expect(treeUrl('demo', 'seg', 'feature/x', 'data/raw')).toBe('/demo/seg/tree/feature/x/data/raw');
    expect(blobUrl('demo', 'seg', 'main', 'my data/a#1?.csv')).toBe('/demo/seg/blob/main/my%20data/a%231%3F.csv');
    expect(commitUrl('demo', 'seg', 'abc')).toBe('/demo/seg/commit/abc');
  });

  it('decodes what it encodes', () => {
    expect(decodeSegments('main/my%20data/a%231%3F.csv')).toEqual(['main', 'my data', 'a#1?.csv']);
    expect(decodeSegments('bad%E0%A4%A')).toEqual(['bad%E0%A4%A']);
    expect(decodeSegments(undefined)).toEqual([]);
  });
});
