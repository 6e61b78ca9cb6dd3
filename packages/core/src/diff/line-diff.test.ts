import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldContext, splitRows } from './fold-context.ts';
import { diffText, splitLines } from './line-diff.ts';

const changed = (t: ReturnType<typeof diffText>) =>
  t.rows.filter((r) => r.kind !== 'same').map((r) => `${r.kind === 'add' ? '+' : '-'}${r.text}`);

describe('diffText', () => {
  it('marks a replaced line as removed then added, with line numbers on each side', () => {
    const d = diffText('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(changed(d)).toEqual(['-b', '+B', '+d']);
    expect(d.rows.map((r) => [r.old, r.new])).toEqual([
      [1, 1],
      [2, null],
      [null, 2],
      [3, 3],
      [null, 4],
    ]);
    expect([d.added, d.removed]).toEqual([2, 1]);
  });

  it('highlights the changed word inside a changed line', () => {
    const d = diffText('learning_rate = 0.01\n', 'learning_rate = 0.05\n');
    const del = d.rows.find((r) => r.kind === 'del');
    const add = d.rows.find((r) => r.kind === 'add');
    // The parts rebuild each line; only the number's changed digits are marked.
    expect(del?.words?.map((w) => w.text).join('')).toBe('learning_rate = 0.01');
    expect(add?.words?.map((w) => w.text).join('')).toBe('learning_rate = 0.05');
    expect(del?.words?.filter((w) => w.changed).map((w) => w.text)).toEqual(['01']);
    expect(add?.words?.filter((w) => w.changed).map((w) => w.text)).toEqual(['05']);
  });

  it('hides whitespace-only changes when asked, and says the change was whitespace only', () => {
    const before = 'def f(x):\n    return x\n';
    const after = 'def f(x):\n\treturn  x\n';
    expect(diffText(before, after).whitespaceOnly).toBe(true);
    const hidden = diffText(before, after, { ignoreWhitespace: true });
    expect(changed(hidden)).toEqual([]);
  });

  it('treats CRLF line ends as line ends and a missing final newline as no extra line', () => {
    expect(splitLines('a\r\nb')).toEqual(['a', 'b']);
    expect(splitLines('')).toEqual([]);
  });

  it('rebuilds both sides from its rows for any pair of texts (fuzz)', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', ' a', 'd d', ''), { maxLength: 30 })
      .map((l) => l.map((x) => `${x}\n`).join(''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const d = diffText(a, b);
        expect(d.rows.filter((r) => r.kind !== 'add').map((r) => r.text)).toEqual(splitLines(a));
        expect(d.rows.filter((r) => r.kind !== 'del').map((r) => r.text)).toEqual(splitLines(b));
        const blocks = foldContext(d.rows);
        expect(blocks.reduce((n, x) => n + x.end - x.start, 0)).toBe(d.rows.length);
        for (const r of splitRows(d.rows)) expect(r.left !== null || r.right !== null).toBe(true);
      }),
    );
  });
});

describe('foldContext', () => {
  it('keeps three lines around a change and folds the rest', () => {
    const before = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 20', 'line twenty');
    const blocks = foldContext(diffText(before, after).rows);
    expect(blocks).toEqual([
      { type: 'fold', start: 0, end: 17 },
      { type: 'rows', start: 17, end: 25 },
      { type: 'fold', start: 25, end: 41 },
    ]);
  });
});
