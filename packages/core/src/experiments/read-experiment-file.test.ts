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

  it('reads a DVC-named CSV/TSV as DVC does: the DagsHub header is a series, another table is a positioned problem', () => {
    const dagshub = 'Name,Value,Timestamp,Step\n"loss",0.5,1700000000000,3\r\n"loss",0.25,1700000000100,4\r\n';
    const series = readMetricsFile(dagshub, 'eval/scores.csv', 7, 'dvc');
    expect(series.ok && series.value).toEqual([
      { key: 'loss', value: 0.5, timestamp: 1700000000000, step: 3 },
      { key: 'loss', value: 0.25, timestamp: 1700000000100, step: 4 },
    ]);
    for (const [file, text] of [
      ['eval/metrics.csv', 'epoch,loss,acc\n1,0.5,0.8\n2,0.4,0.9\n'],
      ['eval/metrics.tsv', 'epoch\tloss\n1\t0.5\n'],
      ['eval/metrics.csv', '"a","b"\n1,2\n'],
    ] as const) {
      const r = readMetricsFile(text, file, 7, 'dvc');
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatchObject({ code: 'unsupported_format', file, line: 1, column: 1 });
        expect(r.error.message).toContain(text.split('\n')[0]);
      }
    }
    // DVC reads a metrics file that is not JSON or TOML as YAML, whatever its suffix.
    const yamlInCsv = readMetricsFile('acc: 0.9\nloss: 0.1\n', 'eval/metrics.csv', 7, 'dvc');
    expect(yamlInCsv.ok && yamlInCsv.value).toEqual([
      { key: 'acc', value: 0.9, timestamp: 7, step: 0 },
      { key: 'loss', value: 0.1, timestamp: 7, step: 0 },
    ]);
    // Found by its DagsHub-style name only: the DagsHub header is required.
    const byName = readMetricsFile('epoch,loss\n1,0.5\n', 'metrics.csv', 7);
    expect(!byName.ok && byName.error).toMatchObject({ code: 'schema', line: 1 });
  });

  it('never throws on any input', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('metrics.csv', 'm.json', 'm.yaml', 'm.toml', 'params.yml'),
        (text, file) => {
          readMetricsFile(text, file, 0);
          readMetricsFile(text, file, 0, 'dvc');
          readMetricsFile(text, 'm.tsv', 0, 'dvc');
          readParamsFile(text, file);
          readMetricsFile(`Name,Value,Timestamp,Step\n${text}`, 'metrics.csv', 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
