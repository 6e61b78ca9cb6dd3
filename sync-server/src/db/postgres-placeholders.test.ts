import { describe, expect, it } from 'vitest';
import { toPostgresPlaceholders } from './postgres-placeholders.ts';

describe('toPostgresPlaceholders', () => {
  it('numbers each ? parameter in order', () => {
    expect(toPostgresPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toBe(
      'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)',
    );
  });

  it('leaves a ? inside strings, quoted identifiers, dollar quotes and comments alone', () => {
    expect(
      toPostgresPlaceholders(
        `SELECT 'what?', 'it''s ?', E'a\\'?', "col?" FROM t -- why?\nWHERE x = ? /* or ? */ AND y = $q$?$q$ AND z = ?`,
      ),
    ).toBe(
      `SELECT 'what?', 'it''s ?', E'a\\'?', "col?" FROM t -- why?\nWHERE x = $1 /* or ? */ AND y = $q$?$q$ AND z = $2`,
    );
  });

  it('keeps LIKE escapes and concatenation as written', () => {
    expect(toPostgresPlaceholders(`UPDATE t SET doc = ? || substr(doc, ?) WHERE doc LIKE ? ESCAPE '\\'`)).toBe(
      `UPDATE t SET doc = $1 || substr(doc, $2) WHERE doc LIKE $3 ESCAPE '\\'`,
    );
  });
});
