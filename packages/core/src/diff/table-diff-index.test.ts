import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffTables, TableDiffError } from './table-diff.ts';
import { diffTablesIndexed, indexTableDiff, MYERS_MAX_ROWS } from './table-diff-index.ts';

const encode = (text: string) => new TextEncoder().encode(text);
/** Decoded as the app decodes a blob for diffTables (TextDecoder drops one BOM). */
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Both results, or both errors, for the same two files. */
const both = (before: Uint8Array, after: Uint8Array, options: Parameters<typeof diffTables>[2]) => [
  outcome(() => diffTablesIndexed(before, after, options)),
  outcome(() => diffTables(decode(before), decode(after), options)),
];

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
      bom: fc.constantFrom('', '\ufeff', '\ufeff\ufeff'),
      finalNewline: fc.boolean(),
      blankLine: fc.option(fc.nat(12)),
      // Mostly a unique id per row (so rows are matched by key), else whatever was drawn.
      ids: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 12, maxLength: 12 }), { freq: 4 }),
    })
    .map(({ rows, quoting, newline, bom, finalNewline, blankLine, ids }) => {
      const idAt = columns.indexOf('id');
      if (ids && idAt >= 0)
        rows.forEach((row, r) => {
          row[idAt] = String(ids[r]);
        });
      const cell = (v: string) => {
        const special = v.includes(delimiter) || v.includes('"') || v.includes('\n') || v.includes('\r');
        if (quoting === 'always' || (quoting === 'needed' && special)) return quote(v);
        // Unquoted values that cannot be written plainly are dropped to a letter.
        return special ? 'q' : v;
      };
      const lines = [columns.join(delimiter), ...rows.map((r) => r.map(cell).join(delimiter))];
      if (blankLine !== null) lines.splice(Math.min(blankLine, lines.length), 0, '');
      return `${bom}${lines.join(newline)}${finalNewline ? newline : ''}`;
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
        fc.constantFrom<string[]>(['id', 'a', 'b'], ['id', 'b'], ['a', 'id', 'b', 'c'], ['k']),
        fc.constantFrom<string[]>(['id', 'a', 'b'], ['id', 'a'], ['b', 'a', 'id']),
        fc.constantFrom(null, null, null, 'id', 'a'),
        fc.gen(),
        (delimiter, colsA, colsB, key, gen) => {
          const d = delimiter as ',' | '\t';
          const before = encode(gen(() => csvText(colsA, d)));
          const after = encode(gen(() => csvText(colsB, d)));
          const [indexed, reference] = both(before, after, { delimiter: d, key, maxRows: 7 });
          expect(indexed).toEqual(reference);
        },
      ),
      { numRuns: 400 },
    );
    // Hundreds of pairs through both diffs: seconds on a busy machine, not a timing assertion.
  }, 60_000);

  it('matches diffTables on malformed quoting and bytes that are not UTF-8 (handed to papaparse whole)', () => {
    const notUtf8 = (text: string) => {
      const bytes = encode(text);
      bytes[bytes.indexOf(0x7e)] = 0xff;
      return bytes;
    };
    for (const [before, after] of [
      [encode('id,v\n1,"a" ,x\n'), encode('id,v\n1,b\n')],
      [encode('id,v\n1,"unterminated\n'), encode('id,v\n1,b\n')],
      [encode('id,v\n1,a"b\n2,"c""d"\n'), encode('id,v\n1,a"b\n2,"c""e"\n')],
      // Two different invalid bytes both decode to U+FFFD: one key, not unique, as in the text.
      [notUtf8('id,v\n~,1\n2,2\n'), notUtf8('id,v\n~,1\n2,3\n').map((b) => (b === 0xff ? 0xfe : b))],
    ]) {
      const [indexed, reference] = both(before as Uint8Array, after as Uint8Array, { delimiter: ',' });
      expect(indexed).toEqual(reference);
    }
  });

  it('hands out the first rows before the join ends, then any page of the rest', () => {
    const rows = (change: (r: number) => string) =>
      ['id,v', ...Array.from({ length: 1000 }, (_, r) => `${r},${change(r)}`)].join('\n');
    const heads: number[] = [];
    const index = indexTableDiff(
      encode(rows((r) => String(r))),
      encode(rows((r) => (r % 10 === 0 ? 'new' : String(r)))),
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
    const index = indexTableDiff(encode(before.join('\n')), encode(after.join('\n')), { delimiter: ',' });
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
