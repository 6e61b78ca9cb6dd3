/**
 * Rewrites the `?` placeholders stores write (SQLite's style, db/sql.ts) into PostgreSQL's `$1`,
 * `$2`, … in order. A `?` inside a string literal ('…', E'…'), a quoted identifier ("…"), a
 * dollar-quoted body ($tag$…$tag$) or a comment is text, not a parameter, and is left alone.
 * Results are cached by statement text (stores use a fixed set of statements).
 */
const cache = new Map<string, string>();
const MAX_CACHED = 1000;

export function toPostgresPlaceholders(sql: string): string {
  const cached = cache.get(sql);
  if (cached !== undefined) return cached;
  const out = translate(sql);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(sql, out);
  return out;
}

function translate(sql: string): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === '?') {
      out += `$${++n}`;
      i++;
    } else if (c === "'" || c === '"') {
      // '' (or "") inside doubles the quote; an E'…' string also takes backslash escapes.
      const escapes = c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? '');
      let j = i + 1;
      while (j < sql.length) {
        if (escapes && sql[j] === '\\') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const j = end === -1 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const j = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, j);
      i = j;
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      // `$1`-style text (no letter after $) and a $ ending a word are not dollar quotes.
      if (tag && !/\w/.test(sql[i - 1] ?? '')) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const j = end === -1 ? sql.length : end + tag[0].length;
        out += sql.slice(i, j);
        i = j;
      } else {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
