import { describe, expect, it } from 'vitest';
import { revealFolds } from './fold-context.ts';

describe('expanding folds by 20 lines', () => {
  it('opens a fold from its top or bottom, and whole when little is left', () => {
    const blocks = [
      { type: 'rows', start: 0, end: 4 },
      { type: 'fold', start: 4, end: 54 },
      { type: 'rows', start: 54, end: 60 },
    ] as const;
    expect(revealFolds(blocks, new Map([[4, { top: 20, bottom: 0 }]]))).toEqual([
      { type: 'rows', start: 0, end: 24 },
      { type: 'fold', start: 24, end: 54 },
      { type: 'rows', start: 54, end: 60 },
    ]);
    expect(revealFolds(blocks, new Map([[4, { top: 20, bottom: 20 }]]))).toEqual([
      { type: 'rows', start: 0, end: 24 },
      { type: 'fold', start: 24, end: 34 },
      { type: 'rows', start: 34, end: 60 },
    ]);
    expect(revealFolds(blocks, new Map([[4, { top: 40, bottom: 20 }]]))).toEqual([{ type: 'rows', start: 0, end: 60 }]);
  });
});
