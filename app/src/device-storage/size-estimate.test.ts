import { describe, expect, it } from 'vitest';
import { countOf, estimateValueBytes, scaleSample } from './size-estimate.ts';

describe('estimated sizes of stored rows', () => {
  it('counts typed arrays by their bytes, strings as UTF-16', () => {
    expect(estimateValueBytes(new Float64Array(1000))).toBe(8000);
    expect(estimateValueBytes('abcd')).toBe(8);
    const row = { repo: 'a/b', values: new Float64Array(100) };
    expect(estimateValueBytes(row)).toBeGreaterThan(800);
    expect(estimateValueBytes(row)).toBeLessThan(900);
  });

  it('scales a sample to the row count', () => {
    const sample = [{ v: new Uint8Array(100) }, { v: new Uint8Array(300) }];
    const each = (estimateValueBytes(sample[0]) + estimateValueBytes(sample[1])) / 2;
    expect(scaleSample(sample, 1000)).toBe(Math.round(each * 1000));
    expect(scaleSample([], 1000)).toBe(0);
    expect(scaleSample(sample, 0)).toBe(0);
  });

  it('says counts with their noun', () => {
    expect(countOf(1, 'run')).toBe('1 run');
    expect(countOf(12500, 'run')).toBe('12,500 runs');
  });
});
