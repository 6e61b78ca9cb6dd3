import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenMetrics, flattenParamsAsText } from './flatten.ts';
import { readMetricsFile, readParamsFile } from './read-experiment-file.ts';

describe('reading experiment files', () => {
  it('flattens nested metrics with dots and keeps numbers only', () => {
    const r = readMetricsFile('{"train": {"loss": 0.5, "name": "x"}, "acc": 0.9, "ok": true}', 'eval/metrics.json', 5);
    expect(r.ok && r.value).toEqual([
      { key: 'train.loss', value: 0.5, timestamp: 5, step: 0 },
      { key: 'acc', value: 0.9, timestamp: 5, step: 0 },
      { key: 'ok', value: 1, timestamp: 5, step: 0 },
    ]);
  });

  it('reads TOML and JSON params and keeps __proto__ as data', () => {
    const toml = readParamsFile('[train]\nlr = 0.1\n', 'params.toml');
    expect(toml.ok && toml.value).toEqual({ 'train.lr': '0.1' });
    const json = readParamsFile('{"__proto__": {"x": 1}}', 'params.json');
    expect(json.ok && Object.hasOwn(json.value, '__proto__.x')).toBe(true);
    expect(flattenParamsAsText({ a: [1, 2] })).toEqual({ a: '[1,2]' });
    expect(flattenMetrics({ a: 'text' })).toEqual({});
  });

  it('gives a typed error with a position for a bad file', () => {
    const r = readMetricsFile('{"a": ', 'metrics.json', 0);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('json_syntax');
    const csv = readMetricsFile('a,b\n1,2\n', 'metrics.csv', 0);
    expect(!csv.ok && csv.error).toMatchObject({ code: 'schema', line: 1 });
  });

  it('never throws on any input', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('metrics.csv', 'm.json', 'm.yaml', 'm.toml', 'params.yml'),
        (text, file) => {
          readMetricsFile(text, file, 0);
          readParamsFile(text, file);
          readMetricsFile(`Name,Value,Timestamp,Step\n${text}`, 'metrics.csv', 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
