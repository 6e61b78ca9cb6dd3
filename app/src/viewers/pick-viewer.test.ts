import { describe, expect, it } from 'vitest';
import { looksBinary, pickViewer, SIZE_LIMITS } from './pick-viewer.ts';

const text = new TextEncoder().encode('a,b\n1,2\n');

describe('pickViewer', () => {
  it('picks by extension', () => {
    expect(pickViewer('README.md', 10, text)).toBe('markdown');
    expect(pickViewer('a/b.CSV', 10, text)).toBe('csv');
    expect(pickViewer('x.tsv', 10, text)).toBe('tsv');
    expect(pickViewer('x.json', 10, text)).toBe('json');
    expect(pickViewer('x.ipynb', 10, text)).toBe('notebook');
    expect(pickViewer('x.png', 10, new Uint8Array([0x89, 0x50, 0, 0]))).toBe('image');
    expect(pickViewer('train.py', 10, text)).toBe('code');
    expect(pickViewer('Makefile', 10, text)).toBe('code');
  });

  it('shows binary and large files as such', () => {
    expect(pickViewer('model.pkl', 10, new Uint8Array([0x80, 0x04, 0x00]))).toBe('binary');
    expect(pickViewer('notes.txt', SIZE_LIMITS.text + 1, text)).toBe('large');
    expect(pickViewer('big.csv', SIZE_LIMITS.text * 100, text)).toBe('csv');
  });

  it('tells UTF-8 text from binary, even with a character cut at the end of the sample', () => {
    const euro = new TextEncoder().encode('€'.repeat(4000)); // 12,000 bytes: 8,192 cuts a character
    expect(looksBinary(euro)).toBe(false);
    expect(looksBinary(new Uint8Array([0xff, 0xfe, 0x41]))).toBe(true);
    expect(looksBinary(new Uint8Array())).toBe(false);
  });
});
