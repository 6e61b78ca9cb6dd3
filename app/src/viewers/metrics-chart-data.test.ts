import fs from 'node:fs';
import path from 'node:path';
import { parseDagshubMetrics } from '@cairn/core/dagshub';
import { describe, expect, it } from 'vitest';
import { defaultShown, isDagshubMetricsHeader, metricsChartData } from './metrics-chart-data.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../../../test/fixtures/dagshub-logger-current/metrics.csv');

function rowsOf(text: string) {
  const parsed = parseDagshubMetrics(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value.rows;
}

describe('a DagsHub metrics.csv as chart series', () => {
  it('recognises the logger header only', () => {
    expect(isDagshubMetricsHeader(['Name', 'Value', 'Timestamp', 'Step'])).toBe(true);
    expect(isDagshubMetricsHeader(['name', 'value', 'timestamp', 'step'])).toBe(false);
    expect(isDagshubMetricsHeader(['Name', 'Value', 'Step'])).toBe(false);
  });

  it('aligns one series per metric on the union of steps, with gaps where a metric was not logged', () => {
    const data = metricsChartData(
      rowsOf(
        'Name,Value,Timestamp,Step\n"loss",0.9,1000,1\r\n"acc",0.5,1000,1\r\n"loss",0.5,2000,2\r\n"loss",0.3,3000,4\r\n"acc",0.7,3000,4\r\n',
      ),
    );
    expect(data.names).toEqual(['loss', 'acc']);
    expect([...data.steps]).toEqual([1, 2, 4]);
    expect([...(data.values[0] as Float64Array)]).toEqual([0.9, 0.5, 0.3]);
    expect([...(data.values[1] as Float64Array)]).toEqual([0.5, Number.NaN, 0.7]);
  });

  it('keeps the latest value of a step logged twice, and leaves text and NaN as gaps', () => {
    const data = metricsChartData(
      rowsOf(
        'Name,Value,Timestamp,Step\n"loss",0.8,2000,1\r\n"loss",0.9,1000,1\r\n"loss",nan,3000,2\r\n"note","warm",3000,3\r\n',
      ),
    );
    expect([...(data.values[0] as Float64Array)]).toEqual([0.8, Number.NaN, Number.NaN]);
    expect([...(data.values[1] as Float64Array)]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it("charts the real logger's file", () => {
    const data = metricsChartData(rowsOf(fs.readFileSync(FIXTURE, 'utf8')));
    expect(data.names).toEqual(['k_best', 'score_best']);
    expect(data.steps.length).toBeGreaterThan(0);
    expect(data.values.every((v) => v.length === data.steps.length)).toBe(true);
  });

  it('draws every metric when few, the first six when many', () => {
    expect(defaultShown(['a', 'b'])).toEqual(['a', 'b']);
    expect(defaultShown('abcdefghij'.split(''))).toEqual('abcdef'.split(''));
  });
});
