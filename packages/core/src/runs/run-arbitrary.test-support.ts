/**
 * Test-only: fast-check arbitraries of runs, shared by the run block's property tests (its
 * encoding and its packed, stored form): missing and odd keys (`__proto__`, dots, slashes),
 * non-finite metrics, metrics without summaries and the reverse, null times, deleted runs, git
 * and MLflow sources. `text` makes every string of a run, so a test picks its alphabet (the
 * packed form is tested on any UTF-16, lone surrogates included).
 */
import fc from 'fast-check';
import { RUN_STATUSES, type Run } from './run.ts';

// (`constructor` is left out of the keys: toStrictEqual reads `.constructor` as an object's type.)
export function runArbitrary(text: (maxLength: number) => fc.Arbitrary<string>): fc.Arbitrary<Run> {
  const key = fc.oneof(fc.constantFrom('lr', 'loss', 'a.b', '__proto__', 'toString', 'x/y'), text(6));
  const num = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0, -0));
  const summary = fc
    .record({
      last: num,
      min: num,
      max: num,
      step: fc.integer({ min: 0, max: 1e9 }),
      timestamp: fc.integer({ min: 0, max: 2e12 }),
      count: fc.nat(1000),
    })
    .map((s) => ({ ...s }));
  const record = <T>(value: fc.Arbitrary<T>) =>
    fc.array(fc.tuple(key, value), { maxLength: 6 }).map((entries) => Object.fromEntries(entries) as Record<string, T>);
  const source = fc
    .oneof(
      fc.record({ kind: fc.constant('mlflow' as const), runId: text(8), experimentId: fc.constantFrom('0', '1') }),
      fc.record({ kind: fc.constant('git' as const), commit: text(40), branch: fc.constantFrom('main', 'exp') }),
    )
    .map((x) => ({ ...x }) as Run['source']);
  return fc.record({
    id: text(10).filter((s) => s.length > 0),
    source,
    name: text(10),
    status: fc.constantFrom(...RUN_STATUSES),
    lifecycleStage: fc.constantFrom('active' as const, 'deleted' as const),
    startTime: fc.option(fc.integer({ min: 0, max: 2e12 })),
    endTime: fc.option(fc.integer({ min: 0, max: 2e12 })),
    userId: text(4),
    artifactUri: text(8),
    params: record(text(5)),
    metrics: record(num),
    metricSummaries: record(summary),
    tags: record(fc.constantFrom('a', 'b', '', 'vision')),
  });
}
