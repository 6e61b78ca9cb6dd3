import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffTables, TableDiffError } from './table-diff.ts';
import { diffTablesIndexed, indexTableDiff, MYERS_MAX_ROWS } from './table-diff-index.ts';

/** Decoded as the app decodes a blob (TextDecoder drops one BOM). */
const decode = (text: string) => new TextDecoder().decode(new TextEncoder().encode(text));

const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;

/** A random CSV text: values with commas, quotes and newlines (quoted), CRLF or LF, BOM, blank lines, no final newline. */
const csvText = (columns: string[], delimiter: string) =>
  fc
    .record({
      rows: fc.array(
        fc.array(
          fc.oneof(
            fc.constantFrom('1', '2', '3', 'x', 'y', ''),
            fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '\t', '"', '\n', 'é'), maxLength: 5 }),
          ),
          { minLength: columns.length, maxLength: columns.length },
        ),
        { maxLength: 12 },
      ),
      quoting: fc.constantFrom('needed', 'always', 'never'),
      newline: fc.constantFrom('\n', '\r\n'),
      bom: fc.boolean(),
      finalNewline: fc.boolean(),
      blankLine: fc.option(fc.nat(12)),
    })
    .map(({ rows, quoting, newline, bom, finalNewline, blankLine }) => {
      const cell = (v: string) => {
        const special = v.includes(delimiter) || v.includes('"') || v.includes('\n') || v.includes('\r');
        if (quoting === 'always' || (quoting === 'needed' && special)) return quote(v);
        // Unquoted values that cannot be written plainly are dropped to a letter.
        return special ? 'q' : v;
      };
      const lines = [columns.join(delimiter), ...rows.map((r) => r.map(cell).join(delimiter))];
      if (blankLine !== null) lines.splice(Math.min(blankLine, lines.length), 0, '');
      return `${bom ? '\ufeff' : ''}${lines.join(newline)}${finalNewline ? newline : ''}`;
    });

const outcome = (run: () => unknown) => {
  try {
    return { ok: run() };
  } catch (error) {
    if (error instanceof TableDiffError) return { error: error.code, message: error.message };
    throw error;
  }
};

describe('indexTableDiff', () => {
  it('gives exactly diffTables’ result on random CSV pairs (quoted fields, CRLF, BOM, blank lines, schema changes)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(',', '\t'),
        fc.constantFrom(['id', 'a', 'b'], ['id', 'b'], ['a', 'id', 'b', 'c'], ['k']),
        fc.constantFrom(['id', 'a', 'b'], ['id', 'a'], ['b', 'a', 'id']),
        fc.option(fc.constantFrom('id', 'a', 'b')),
        fc.gen(),
        (delimiter, colsA, colsB, key, gen) => {
          const d = delimiter as ',' | '\t';
          const before = decode(gen(() => csvText(colsA, d)));
          const after = decode(gen(() => csvText(colsB, d)));
          const options = { delimiter: d, key, maxRows: 7 };
          expect(outcome(() => diffTablesIndexed(before, after, options))).toEqual(
            outcome(() => diffTables(before, after, options)),
          );
        },
      ),
      { numRuns: 600 },
    );
  });

  it('matches diffTables on malformed quoting too (handed to papaparse whole)', () => {
    for (const [before, after] of [
      ['id,v\n1,"a" ,x\n', 'id,v\n1,b\n'],
      ['id,v\n1,"unterminated\n', 'id,v\n1,b\n'],
      ['id,v\n1,a"b\n2,"c""d"\n', 'id,v\n1,a"b\n2,"c""e"\n'],
    ] as const) {
      const options = { delimiter: ',' as const };
      expect(outcome(() => diffTablesIndexed(before, after, options))).toEqual(
        outcome(() => diffTables(before, after, options)),
      );
    }
  });

  it('hands out the first rows before the join ends, then any page of the rest', () => {
    const rows = (change: (r: number) => string) =>
      ['id,v', ...Array.from({ length: 1000 }, (_, r) => `${r},${change(r)}`)].join('\n');
    const heads: number[] = [];
    const index = indexTableDiff(
      rows((r) => String(r)),
      rows((r) => (r % 10 === 0 ? 'new' : String(r))),
      {
        delimiter: ',',
        headRows: 20,
        onHead: (head) => heads.push(head.rows.length),
      },
    );
    expect(heads).toEqual([20]);
    expect(index.count).toBe(100);
    expect(index.summary).toMatchObject({ changed: 100, unchanged: 900 });
    const page = index.rows(50, 52);
    expect(page.map((r) => [r.before, r.old[1], r.new[1]])).toEqual([
      [501, '500', 'new'],
      [511, '510', 'new'],
    ]);
  });

  it('aligns big tables without a key by content, as a valid edit of one into the other', () => {
    const n = MYERS_MAX_ROWS;
    // The first two rows repeat, so no column is a key.
    const before = ['v', ...Array.from({ length: n }, (_, r) => (r < 2 ? 'dup' : `${r % 50}-${Math.floor(r / 50)}`))];
    const after = before.filter((_, r) => r % 97 !== 5).map((v, r) => (r % 101 === 7 ? `${v}!` : v));
    after.splice(300, 0, 'inserted');
    const index = indexTableDiff(before.join('\n'), after.join('\n'), { delimiter: ',' });
    expect(index.key).toBeNull();
    const s = index.summary;
    expect(s.unchanged + s.changed + s.removed).toBe(n);
    expect(s.unchanged + s.changed + s.added).toBe(after.length - 1);
    // Rebuild the new version from the old one through the diff: unchanged rows between changes are copied.
    const oldRows = before.slice(1);
    const rebuilt: string[] = [];
    let i = 0;
    const copyUpTo = (oldRow: number) => {
      while (i < oldRow) rebuilt.push(oldRows[i++] as string);
    };
    for (const row of index.rows(0, index.count)) {
      if (row.kind === 'added') {
        copyUpTo(i + ((row.after as number) - 1 - rebuilt.length));
        rebuilt.push(row.new[0] as string);
        continue;
      }
      copyUpTo((row.before as number) - 1);
      i++;
      if (row.kind === 'changed') rebuilt.push(row.new[0] as string);
    }
    copyUpTo(n);
    expect(rebuilt).toEqual(after.slice(1));
  });
});
