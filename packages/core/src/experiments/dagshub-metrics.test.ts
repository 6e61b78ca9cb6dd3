import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDagshubMetrics } from '../dagshub/metrics-csv.ts';
import { fixture } from '../dvc/fixtures.ts';
import { parseDagsHubMetricsCsv, plainDagsHubPoints } from './dagshub-metrics.ts';

/** The shared reader's points (numbers only), for comparison. */
function fullPoints(text: string) {
  const r = parseDagshubMetrics(text, 'metrics.csv');
  if (!r.ok) return r.error.code;
  return r.value.rows
    .filter((row) => typeof row.value === 'number')
    .map((row) => ({ key: row.name, value: row.value, timestamp: row.timestamp, step: row.step }));
}

const cell = fc.constantFrom(
  '1',
  '0.5',
  '4211.139775402384',
  '1e-05',
  'nan',
  '-inf',
  'inf',
  ' 2 ',
  'abc',
  '',
  '1.5',
  '-3',
);
const name = fc.constantFrom('"loss"', 'loss', '"a,b"', '"a ""q"""', '"multi\nline"', '"x\ry"', ' sp ', '"', 'k_best');
const row = fc
  .tuple(
    name,
    cell,
    fc.constantFrom('1700000000000', '1.5', 'nan', 'x', '12'),
    fc.constantFrom('1', '2', '1.5', 'x', ' 3'),
  )
  .map((cells) => cells.join(','));

describe('the DagsHub metrics.csv fast path', () => {
  it('reads the real logger files as the shared reader does', () => {
    for (const f of [
      'dagshub-logger-current/metrics.csv',
      'dagshub-logger-legacy/hyperparams-as-dependency.metrics.csv',
      'dagshub-logger-legacy/hyperparams-as-output.metrics.csv',
    ]) {
      const text = fixture(f);
      const r = parseDagsHubMetricsCsv(text, f);
      expect(r.ok && r.value).toEqual(fullPoints(text));
    }
  });

  it('whenever it answers, the answer is the shared reader’s', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(row, fc.constantFrom('\r\n', '\n', '\n\n', '')), { maxLength: 6 }),
        fc.constantFrom(
          'Name,Value,Timestamp,Step\n',
          'Name,Value,Timestamp,Step\r\n',
          '\uFEFFName,Value,Timestamp,Step\n',
          'a,b\n',
        ),
        (rows, header) => {
          const text = header + rows.map(([r, end]) => r + end).join('');
          const fast = plainDagsHubPoints(text);
          if (fast === undefined) return;
          answered++;
          expect(fast).toEqual(fullPoints(text));
        },
      ),
      { numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(300);
  });
});
