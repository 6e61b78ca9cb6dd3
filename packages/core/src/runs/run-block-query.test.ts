/**
 * Column-wise filter and order_by over a columnar block give exactly what the row-wise ones give
 * over the same runs (fast-check: generated runs with missing keys, NaN and infinite metrics,
 * null times, git and MLflow sources, duplicate values; generated filters of every operator,
 * AND/OR/parentheses; order_by lists over metrics, params, tags and attributes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRunFilter } from './filter-evaluate.ts';
import { parseFilter } from './filter-parser.ts';
import { NOTED_RUN_FILTER_SCHEMA } from './filter-schema.ts';
import { type OrderBy, parseOrderBy, sortRuns } from './order-by.ts';
import { RUN_STATUSES, type Run } from './run.ts';
import { encodeRunBlock } from './run-block.ts';
import { filterRunBlock, orderRunBlock } from './run-block-query.ts';

const text = fc.constantFrom('a', 'b', 'ab', 'B', '10', '9', '', 'a_b', 'x%');
const num = fc.oneof(
  fc.constantFrom(0, 1, -1, 0.5, 2, 10, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.double({ min: -5, max: 5, noNaN: true }),
);
const someOf = <T>(keys: string[], value: fc.Arbitrary<T>) =>
  fc
    .array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: keys.length })
    .map((e) => Object.fromEntries(e) as Record<string, T>);

const runs: fc.Arbitrary<Run[]> = fc
  .array(
    fc.record({
      experimentId: fc.constantFrom('0', '1', null),
      name: text,
      status: fc.constantFrom(...RUN_STATUSES),
      deleted: fc.boolean(),
      startTime: fc.option(fc.constantFrom(0, 5, 10, 1_700_000_000_000), { nil: null }),
      endTime: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
      user: fc.constantFrom('ada', 'bob'),
      params: someOf(['p0', 'p1', 'lr'], text),
      metrics: someOf(['m0', 'm1', 'loss'], num),
      tags: someOf(['t', 'team'], text),
    }),
    { maxLength: 40 },
  )
  .map((specs) =>
    specs.map(
      (s, i): Run => ({
        id: `r${(i * 7) % 41}-${i}`,
        source:
          s.experimentId === null
            ? { kind: 'git', commit: `c${i}`, branch: 'main' }
            : { kind: 'mlflow', runId: `r${i}`, experimentId: s.experimentId },
        name: s.name,
        status: s.status,
        lifecycleStage: s.deleted ? 'deleted' : 'active',
        startTime: s.startTime,
        endTime: s.endTime,
        userId: s.user,
        artifactUri: '',
        params: s.params,
        metrics: s.metrics,
        metricSummaries: {},
        tags: s.tags,
      }),
    ),
  );

const leaf = fc.oneof(
  fc
    .tuple(fc.constantFrom('m0', 'm1', 'loss', 'nope'), fc.constantFrom('=', '!=', '<', '<=', '>', '>='), num)
    .filter(([, , v]) => Number.isFinite(v))
    .map(([k, op, v]) => `metrics.${k} ${op} ${v}`),
  fc
    .tuple(
      fc.constantFrom('params.p0', 'params.p1', 'params.lr', 'tags.t', 'tags.team', 'attributes.run_name'),
      fc.constantFrom('=', '!=', 'LIKE', 'ILIKE'),
      fc.constantFrom('a', 'b', 'a%', '%B', '_', '1%', '', '10'),
    )
    .map(([k, op, v]) => `${k} ${op} '${v}'`),
  fc
    .tuple(fc.constantFrom('params.p0', 'tags.t', 'attributes.status'), fc.boolean(), fc.subarray(['a', 'b', 'FAILED']))
    .filter(([, , vs]) => vs.length > 0)
    .map(([k, not, vs]) => `${k} ${not ? 'NOT IN' : 'IN'} (${vs.map((v) => `'${v}'`).join(', ')})`),
  fc.constantFrom(
    "attributes.status = 'FINISHED'",
    'attributes.created > 4',
    'attributes.start_time < 6',
    'attributes.end_time >= 10',
    "attributes.user_id != 'ada'",
    "attributes.run_id LIKE 'r1%'",
  ),
);
const filterText: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('f'), fc.constantFrom('AND', 'OR'), tie('f')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
  ),
})).f;

const orderBy = fc
  .tuple(
    fc.constantFrom(
      'metrics.m0',
      'metrics.loss',
      'params.p0',
      'params.lr',
      'tags.t',
      'attributes.start_time',
      'attributes.end_time',
      'attributes.run_name',
      'attributes.status',
      'attributes.experiment_id',
      'attributes.lifecycle_stage',
      'metrics.nope',
    ),
    fc.constantFrom('', ' ASC', ' DESC'),
  )
  .map(([id, dir]) => {
    const r = parseOrderBy(`${id}${dir}`);
    if (!r.ok) throw new Error(`${id}${dir}: ${r.error.message}`);
    return r.value;
  });

const idsAt = (list: readonly Run[], at: Uint32Array) => Array.from(at, (i) => (list[i] as Run).id);

describe('column-wise filter and order_by over a run block', () => {
  it('a filter keeps the same runs as the row-wise filter', () => {
    fc.assert(
      fc.property(runs, filterText, (list, f) => {
        const parsed = parseFilter(f);
        if (!parsed.ok) throw new Error(`${f}: ${parsed.error.message}`);
        const expected = list.filter(compileRunFilter(parsed.value)).map((r) => r.id);
        expect(idsAt(list, filterRunBlock(encodeRunBlock(list), parsed.value))).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('order_by puts the runs in the same order as the row-wise sort', () => {
    fc.assert(
      fc.property(runs, fc.array(orderBy, { maxLength: 3 }), (list, obs: OrderBy[]) => {
        expect(idsAt(list, orderRunBlock(encodeRunBlock(list), obs))).toEqual(sortRuns(list, obs).map((r) => r.id));
      }),
      { numRuns: 400 },
    );
  });

  it('filter then order_by of the kept runs equals the row-wise filter then sort', () => {
    fc.assert(
      fc.property(runs, filterText, fc.array(orderBy, { maxLength: 2 }), (list, f, obs: OrderBy[]) => {
        const parsed = parseFilter(f);
        if (!parsed.ok) throw new Error(f);
        const block = encodeRunBlock(list);
        const got = orderRunBlock(block, obs, filterRunBlock(block, parsed.value));
        const expected = sortRuns(list.filter(compileRunFilter(parsed.value)), obs).map((r) => r.id);
        expect(idsAt(list, got)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("a filter on runs' notes keeps the same runs as the row-wise filter with the same notes", () => {
    const noteLeaf = fc
      .tuple(fc.constantFrom('=', '!=', 'LIKE', 'ILIKE'), fc.constantFrom('', 'good', '%base%', 'Good%'))
      .map(([op, v]) => `note ${op} '${v}'`);
    fc.assert(
      fc.property(
        runs,
        fc.array(fc.constantFrom('good run', 'baseline', 'Good', ''), { maxLength: 40 }),
        noteLeaf,
        fc.option(leaf, { nil: null }),
        (list, texts, noteFilter, other) => {
          const notes = new Map(list.flatMap((r, i) => (texts[i] === undefined ? [] : [[r.id, texts[i]] as const])));
          const f = other ? `(${noteFilter}) OR (${other})` : noteFilter;
          const parsed = parseFilter(f, NOTED_RUN_FILTER_SCHEMA);
          if (!parsed.ok) throw new Error(`${f}: ${parsed.error.message}`);
          const expected = list.filter(compileRunFilter(parsed.value, notes)).map((r) => r.id);
          expect(idsAt(list, filterRunBlock(encodeRunBlock(list), parsed.value, notes))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an empty filter keeps every run, in order', () => {
    const list = fc.sample(runs, 1)[0] as Run[];
    expect(Array.from(filterRunBlock(encodeRunBlock(list), null))).toEqual(list.map((_, i) => i));
  });
});
