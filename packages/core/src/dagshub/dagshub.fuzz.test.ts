import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../errors/parse-error.ts';
import { type DagshubMetricRow, parseDagshubMetrics, serializeDagshubMetrics } from './metrics-csv.ts';
import { parseDagshubParams, serializeDagshubParams } from './params-yml.ts';

const RUNS = { numRuns: 500 };
/**
 * Any Unicode code point, with control characters, line breaks and YAML/CSV punctuation drawn
 * often: fast-check 4's default `fc.string()` draws only printable ASCII, which hid the newline
 * case of issue 18, and uniform code points almost never hit the 65 control characters.
 */
const anyChar = fc.oneof(
  fc.constantFrom('\n', '\r', '\t', ' ', '\0', '\x07', '\x1b', '\x7f', '\x85', '\xa0', '\u2028', '\ufeff'),
  fc.constantFrom("'", '"', ':', '#', '-', '\\', ',', '?', '&', '*', '|', '>', '%', '@', '`', '{', '['),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
const anyText = (constraints: { minLength?: number; maxLength: number }) =>
  fc.string({ unit: anyChar, ...constraints });

/** YAML and CSV have no -0 distinct from 0. */
function withoutNegativeZero(v: unknown): unknown {
  if (Object.is(v, -0)) return 0;
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNegativeZero(x)]));
}
const TIMEOUT = 120_000;

describe('DagsHub files (fast-check)', () => {
  it(
    'metrics.csv: any text gives rows or a typed error',
    () => {
      const csvish = fc
        .array(
          fc.oneof(
            fc.constantFrom('Name,Value,Timestamp,Step\n', '"a",1,2,3\r\n', 'b,nan,1,1\n', '"x""y",', '\r\n', ','),
            anyText({ maxLength: 10 }),
          ),
          {
            maxLength: 8,
          },
        )
        .map((p) => p.join(''));
      fc.assert(
        fc.property(fc.oneof(anyText({ maxLength: 200 }), csvish), (t) => {
          const r = parseDagshubMetrics(t);
          if (!r.ok) expect(r.error).toBeInstanceOf(ParseError);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'metrics.csv: what we write reads back to the same rows and writes back byte for byte',
    () => {
      const row = fc.record({
        name: anyText({ minLength: 1, maxLength: 12 }),
        value: fc.oneof(
          fc.double(),
          fc.integer(),
          anyText({ maxLength: 8 }).filter((s) => !/^\s*[-+.\d]|^\s*(nan|inf|-inf|-nan|\+inf)\s*$/i.test(s)),
        ),
        timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
        step: fc.integer({ min: -5, max: 1_000_000 }),
      });
      fc.assert(
        fc.property(fc.array(row, { maxLength: 6 }), (rows: DagshubMetricRow[]) => {
          const text = serializeDagshubMetrics(rows);
          const back = parseDagshubMetrics(text);
          if (!back.ok) throw back.error;
          expect(back.value.rows.map((r) => [r.name, r.value, r.timestamp, r.step])).toEqual(
            rows.map((r) => [r.name, Object.is(r.value, -0) ? 0 : r.value, r.timestamp, r.step]),
          );
          expect(serializeDagshubMetrics(back.value)).toBe(text);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'params.yml: what we write reads back to the same values',
    () => {
      const text = anyText({ maxLength: 100 }).filter((s) => !/^0o[0-7]+$|^[-+]?0x[0-9a-fA-F]+$/.test(s));
      const leaf = fc.oneof(
        text,
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        fc.boolean(),
        fc.constant(null),
      );
      const { tree } = fc.letrec((tie) => ({
        tree: fc.dictionary(
          anyText({ minLength: 1, maxLength: 8 }),
          fc.oneof({ depthSize: 'small' }, leaf, tie('tree')),
          { maxKeys: 5 },
        ),
      }));
      fc.assert(
        fc.property(tree, (params) => {
          const yml = serializeDagshubParams(params as Record<string, unknown>);
          const back = parseDagshubParams(yml);
          if (!back.ok) throw new Error(`${back.error.message}\n${yml}`);
          expect(back.value).toEqual(withoutNegativeZero(params));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});
