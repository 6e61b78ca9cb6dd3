import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffTables, TableDiffError } from './table-diff.ts';

const rowsOf = (d: ReturnType<typeof diffTables>) =>
  d.rows.map((r) => `${r.kind}:${r.before ?? '-'}:${r.after ?? '-'}`);

describe('diffTables', () => {
  it('matches rows by a unique key column, marks changed cells and added columns', () => {
    const d = diffTables(
      'id,name,score\n1,ada,0.5\n2,bob,0.7\n3,cy,0.9\n',
      'id,name,score,rank\n2,bob,0.75,1\n1,ada,0.5,2\n4,dee,0.1,3\n',
      {
        delimiter: ',',
      },
    );
    expect(d.key).toBe('id');
    expect(d.columns.map((c) => `${c.name}:${c.status}`)).toEqual(['id:same', 'name:same', 'score:same', 'rank:added']);
    // Rows in the new file's order; a removed row after the last kept row before it.
    expect(rowsOf(d)).toEqual(['changed:2:1', 'added:-:3', 'removed:3:-']);
    const bob = d.rows[0];
    expect(bob?.changed.map((k) => d.columns[k]?.name)).toEqual(['score']);
    expect([bob?.old[2], bob?.new[2]]).toEqual(['0.7', '0.75']);
    expect(d.summary).toMatchObject({ added: 1, removed: 1, changed: 1, unchanged: 1 });
  });

  it('aligns rows by content when no column is unique, pairing a similar removed and added row', () => {
    const d = diffTables('a\tb\nx\t1\nx\t1\ny\t2\n', 'a\tb\nx\t1\nx\t1\ny\t3\nz\t4\n', { delimiter: '\t' });
    expect(d.key).toBeNull();
    expect(rowsOf(d)).toEqual(['changed:3:3', 'added:-:4']);
  });

  it('uses the key the user picks, and refuses one that is not unique', () => {
    const before = 'id,name\n1,a\n2,b\n';
    const after = 'id,name\n1,b\n2,a\n';
    const byName = diffTables(before, after, { delimiter: ',', key: 'name' });
    expect(byName.rows.map((r) => r.changed.map((k) => byName.columns[k]?.name))).toEqual([['id'], ['id']]);
    const byId = diffTables(before, after, { delimiter: ',' });
    expect(byId.key).toBe('id');
    expect(byId.rows.map((r) => r.changed.map((k) => byId.columns[k]?.name))).toEqual([['name'], ['name']]);
    expect(() => diffTables('id,n\n1,a\n1,b\n', after, { delimiter: ',', key: 'id' })).toThrow(TableDiffError);
  });

  it('says which row of which version is ragged', () => {
    expect(() => diffTables('a,b\n1,2\n3\n', 'a,b\n', { delimiter: ',' })).toThrow(
      /old version's data row 2 has 1 fields/,
    );
  });

  it('accounts for every row of both versions (fuzz)', () => {
    const cell = fc.constantFrom('1', '2', '3', 'x', '');
    const table = fc.tuple(
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 12 }),
    );
    fc.assert(
      fc.property(table, table, ([ca, ra], [cb, rb]) => {
        const text = (cols: number, rows: string[][]) =>
          [['k', 'v', 'w'].slice(0, cols), ...rows.map((r) => r.slice(0, cols))].map((r) => r.join(',')).join('\n');
        try {
          const d = diffTables(text(ca, ra), text(cb, rb), { delimiter: ',' });
          const s = d.summary;
          expect(s.removed + s.changed + s.unchanged).toBe(s.rowsBefore);
          expect(s.added + s.changed + s.unchanged).toBe(s.rowsAfter);
        } catch (error) {
          // A one-column row of empty text is no row to papaparse: only a typed error may come out.
          expect(error).toBeInstanceOf(TableDiffError);
        }
      }),
    );
  });
});
