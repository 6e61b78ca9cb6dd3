import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FILTER_CASES,
  FILTER_ERROR_CASES,
  FIXTURE_NOTES,
  FIXTURE_RUNS,
  fixtureToRun,
  NOTE_FILTER_CASES,
  NOTE_FILTER_ERROR_CASES,
} from './filter-cases.fixture.ts';
import { FilterError } from './filter-error.ts';
import { compileRunFilter, likeToRegExp } from './filter-evaluate.ts';
import { parseFilter } from './filter-parser.ts';
import { EXPERIMENT_FILTER_SCHEMA, NOTED_RUN_FILTER_SCHEMA } from './filter-schema.ts';
import type { Run } from './run.ts';

const runs: Run[] = FIXTURE_RUNS.map((r) => fixtureToRun(r));

function matching(filter: string): string[] {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(`${filter}: ${parsed.error.describe()}`);
  return runs
    .filter(compileRunFilter(parsed.value))
    .map((r) => r.name)
    .sort();
}

describe('filter language over the run model', () => {
  it.each(FILTER_CASES)('%j matches %j', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it.each(FILTER_ERROR_CASES)('%j is refused with %s at line %i column %i', (filter, code, line, column) => {
    const parsed = parseFilter(filter);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toBeInstanceOf(FilterError);
    expect({ code: parsed.error.code, line: parsed.error.line, column: parsed.error.column }).toEqual({
      code,
      line,
      column,
    });
    expect(parsed.error.describe()).toContain(`line ${line}, column ${column}`);
  });

  it('names the offending text in its message', () => {
    const parsed = parseFilter("params.lr > '0.1'");
    expect(!parsed.ok && parsed.error.message).toMatch(/"params\.lr" compares as a string.*not >/);
  });

  it('round-trips errors through JSON', () => {
    const parsed = parseFilter('metrics.acc >');
    if (parsed.ok) throw new Error('expected an error');
    const again = FilterError.fromJSON(JSON.parse(JSON.stringify(parsed.error)));
    expect(again.toJSON()).toEqual(parsed.error.toJSON());
  });

  it('treats a key like __proto__ as data', () => {
    const run = { ...runs[0]!, params: Object.fromEntries([['__proto__', 'x']]) };
    const parsed = parseFilter("params.__proto__ = 'x'");
    expect(parsed.ok && compileRunFilter(parsed.value)(run)).toBe(true);
    const other = parseFilter("params.constructor = 'x'");
    expect(other.ok && compileRunFilter(other.value)(runs[0]!)).toBe(false);
  });

  it('refuses parentheses nested too deep instead of overflowing', () => {
    const parsed = parseFilter(`${'('.repeat(5000)}status = 'x'${')'.repeat(5000)}`);
    expect(!parsed.ok && parsed.error.code).toBe('too_deep');
  });

  it('uses the experiment schema when told to', () => {
    expect(parseFilter("name LIKE 'exp%' and tags.k = 'v'", EXPERIMENT_FILTER_SCHEMA).ok).toBe(true);
    const bad = parseFilter('metrics.acc > 1', EXPERIMENT_FILTER_SCHEMA);
    expect(!bad.ok && bad.error.code).toBe('unknown_entity');
  });

  it('escapes regular-expression characters in LIKE patterns', () => {
    expect(likeToRegExp('a.b%', false).test('axb')).toBe(false);
    expect(likeToRegExp('a.b%', false).test('a.bc')).toBe(true);
    expect(likeToRegExp('(x)_', true).test('(X)!')).toBe(true);
  });
});

describe('filter language over runs and their notes', () => {
  const notes = new Map(Object.entries(FIXTURE_NOTES));
  const noted = (filter: string) => {
    const parsed = parseFilter(filter, NOTED_RUN_FILTER_SCHEMA);
    if (!parsed.ok) throw new Error(`${filter}: ${parsed.error.describe()}`);
    return runs
      .filter(compileRunFilter(parsed.value, notes))
      .map((r) => r.name)
      .sort();
  };

  it.each(NOTE_FILTER_CASES)('%j matches %j', (filter, expected) => {
    expect(noted(filter)).toEqual(expected);
  });

  it.each(NOTE_FILTER_ERROR_CASES)('%j is refused with %s at line %i column %i', (filter, code, line, column) => {
    const parsed = parseFilter(filter, NOTED_RUN_FILTER_SCHEMA);
    expect(!parsed.ok && { code: parsed.error.code, line: parsed.error.line, column: parsed.error.column }).toEqual({
      code,
      line,
      column,
    });
  });

  it('still matches every other case the same way', () => {
    for (const [filter, expected] of FILTER_CASES) expect(noted(filter), filter).toEqual(expected);
  });

  it('matches no run on its note when no notes are supplied', () => {
    const parsed = parseFilter("note = ''", NOTED_RUN_FILTER_SCHEMA);
    expect(parsed.ok && runs.filter(compileRunFilter(parsed.value)).length).toBe(0);
  });

  it("is an unknown attribute in MLflow's own schema (the server has no note text)", () => {
    const parsed = parseFilter("note ILIKE '%baseline%'");
    expect(!parsed.ok && parsed.error.code).toBe('unknown_attribute');
  });
});

describe('filter parser fuzz', () => {
  const alphabet = fc.constantFrom(
    ...'metrics.acc params.lr tags.t attributes.status and or in not like ilike ( ) , = != < <= > >= \' " ` 0.5 -1 1e3 %_ \n\\'.split(
      ' ',
    ),
    ' ',
    "'a'",
    '"b"',
  );
  it('never throws, and every error points inside the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.array(alphabet, { maxLength: 30 }).map((a) => a.join(' ')),
        ),
        (text) => {
          const r = parseFilter(text);
          if (!r.ok) {
            expect(r.error).toBeInstanceOf(FilterError);
            expect(r.error.offset).toBeGreaterThanOrEqual(0);
            expect(r.error.offset).toBeLessThanOrEqual(text.length);
            expect(r.error.line).toBeGreaterThanOrEqual(1);
            expect(r.error.column).toBeGreaterThanOrEqual(1);
          } else {
            // Whatever parses also evaluates without throwing.
            for (const run of runs) compileRunFilter(r.value)(run);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
