import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDagshubParams, pythonNumber as pythonNumberRepr } from '@cairn/core/dagshub';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { makeLogger } from './experiment-logger.ts';
import { formatMetricRow, METRICS_CSV_HEADER, normalizeParams, serializeParamsYml } from './index.ts';

const fixtureDir = path.resolve(import.meta.dirname, '../../../test/fixtures');

describe('Python number repr (metrics.csv values)', () => {
  it.each([
    [4, '4'],
    [0.1, '0.1'],
    [4211.139775402384, '4211.139775402384'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    // From 1e16 a number is a Python float, as the literal 1.5e16 is (Python's csv: '1.5e+16').
    [1.5e16, '1.5e+16'],
    [123456789012.5, '123456789012.5'],
    [-2.5e-7, '-2.5e-07'],
    [1e20, '1e+20'],
    [2n ** 60n, '1152921504606846976'], // a BigInt is a Python int
    [Number.NaN, 'nan'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ])('%s → %s', (x, text) => expect(pythonNumberRepr(x)).toBe(text));

  it('reads back as the same number for any double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        expect(Number(pythonNumberRepr(x).replace('inf', 'Infinity'))).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});

describe('metrics.csv rows', () => {
  it('match the DagsHub fixture byte for byte', () => {
    const fixture = fs.readFileSync(path.join(fixtureDir, 'dagshub-logger-current/metrics.csv'), 'utf8');
    const text =
      METRICS_CSV_HEADER +
      formatMetricRow('k_best', 4, 1645296823304, 1) +
      formatMetricRow('score_best', 4212.831398807721, 1645296823304, 1);
    expect(text).toBe(fixture);
  });

  it('round-trip any name (quotes, commas, newlines) through a CSV parser', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.nat(),
        (name, value, step) => {
          const row = formatMetricRow(name, value, 1700000000000, step);
          // Rows end in CRLF while the header ends in LF, so rows are parsed on their own terms.
          const parsed = Papa.parse<string[]>(row, { newline: '\r\n', skipEmptyLines: true }).data;
          expect(parsed[0]).toEqual([name, pythonNumberRepr(value), '1700000000000', String(step)]);
        },
      ),
    );
  });
});

describe('params.yml', () => {
  it('writes the DagsHub fixture byte for byte from its own values', () => {
    const fixture = fs.readFileSync(path.join(fixtureDir, 'dagshub-logger-current/params.yml'), 'utf8');
    expect(serializeParamsYml(normalizeParams(parseYaml(fixture)))).toBe(fixture);
  });

  it('normalises like the Python logger: lists become their repr, numbers stay numbers', () => {
    const text = serializeParamsYml(
      normalizeParams({ cols: ['a', 'b'], n: '4', lr: 1e-5, on: true, none: null, nested: {} }),
    );
    // PyYAML leaves the key n plain (its booleans are yes/no/on/off, not y/n): golden/params-yml.json.
    expect(text).toBe("cols: '[''a'', ''b'']'\nlr: 1.0e-05\nn: '4'\nnested: {}\nnone: null\n'on': true\n");
  });

  it('reads back as the values written, for any params', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const tree = fc.dictionary(
      fc.string({ minLength: 1 }),
      fc.oneof(leaf, fc.dictionary(fc.string({ minLength: 1 }), leaf)),
    );
    fc.assert(
      fc.property(tree, (params) => {
        const normalized = normalizeParams(params);
        // Read as PyYAML reads it (`y`/`n` are text, unlike the yaml package's YAML 1.1 schema).
        const read = parseDagshubParams(serializeParamsYml(normalized));
        if (!read.ok) throw read.error;
        const back = read.value;
        expect(back).toEqual(JSON.parse(JSON.stringify(normalized, (_k, v) => (Object.is(v, -0) ? 0 : v))));
      }),
      { numRuns: 300 },
    );
  });
});

describe('makeLogger writing files', () => {
  it('writes what a training loop logs in the DagsHub format', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-logger-'));
    try {
      let t = 1700000000000;
      const log = makeLogger({
        files: { metricsPath: path.join(dir, 'metrics.csv'), paramsPath: path.join(dir, 'params.yml') },
        now: () => t,
      });
      log.logParams({ lr: 0.01, model: { depth: 4 } });
      log.logParams({ epochs: 2 });
      for (let step = 1; step <= 2; step++) {
        t += 1000;
        log.logMetrics({ loss: 1 / (step * 4), 'val,acc "x"': step / 2 }, step);
      }
      expect(fs.readFileSync(path.join(dir, 'params.yml'), 'utf8')).toBe('epochs: 2\nlr: 0.01\nmodel:\n  depth: 4\n');
      expect(fs.readFileSync(path.join(dir, 'metrics.csv'), 'utf8')).toBe(
        'Name,Value,Timestamp,Step\n"loss",0.25,1700000001000,1\r\n"val,acc ""x""",0.5,1700000001000,1\r\n' +
          '"loss",0.125,1700000002000,2\r\n"val,acc ""x""",1,1700000002000,2\r\n',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
