import { describe, expect, it } from 'vitest';
import { linkCairnRefs } from './cairn-links.ts';

describe('cairn links in notes', () => {
  it('links run ids, commit ids and path@ref to their pages', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    expect(linkCairnRefs('compare with run:9f3a2b', 'ada/seg')).toBe(
      'compare with [run:9f3a2b](/ada/seg/experiments/runs/9f3a2b)',
    );
    expect(linkCairnRefs(`fixed in ${sha}.`, 'ada/seg')).toBe(`fixed in [${sha}](/ada/seg/commit/${sha}).`);
    expect(linkCairnRefs('commit:ABCDEF1 broke it', 'ada/seg')).toBe(
      '[commit:ABCDEF1](/ada/seg/commit/abcdef1) broke it',
    );
    expect(linkCairnRefs('see src/train.py@main', 'ada/seg')).toBe(
      'see [src/train.py@main](/ada/seg/blob/main/src/train.py)',
    );
    expect(linkCairnRefs('params.yaml@v1.2', 'ada/seg')).toBe('[params.yaml@v1.2](/ada/seg/blob/v1.2/params.yaml)');
  });

  it('leaves code, e-mail addresses and ordinary words alone', () => {
    const text = 'mail ada@example.com\n`run:abc` inline\n```\nrun:abc\n```\nrunning: fine';
    expect(linkCairnRefs(text, 'ada/seg')).toBe(text);
  });
});
