import { describe, expect, it } from 'vitest';
import { goldenMetrics, goldenParams } from './golden.ts';
import {
  DAGSHUB_METRICS_HEADER,
  formatDagshubMetricRow,
  parseDagshubMetrics,
  serializeDagshubMetrics,
} from './metrics-csv.ts';
import { parseDagshubParams, serializeDagshubParams } from './params-yml.ts';

describe('params.yml against PyYAML (golden/params-yml.json)', () => {
  const all = goldenParams();
  it('has the cases issue 18 found', () => {
    expect(all.length).toBeGreaterThan(400);
  });

  it.each([
    ['issue 18: 1e16 is a float', 'big: 1.0e+16\n'],
    ['issue 18: 2**60 is an int', 'int60: 1152921504606846976\n'],
    ['issue 18: y/n keys and values', "N: 2\nY: 1\nn: y\n'on': 'off'\ny: n\n'yes': 'no'\n"],
    ['issue 18: a string with a newline', "text: 'multi\n\n  line'\n"],
  ])('%s', (name, yaml) => {
    const c = all.find((x) => x.name === name)!;
    expect(c.yaml).toBe(yaml);
    expect(serializeDagshubParams(c.params)).toBe(yaml);
  });

  it('writes every case byte for byte as PyYAML did', () => {
    for (const c of all) expect(serializeDagshubParams(c.params), c.name).toBe(c.yaml);
  });

  it('reads every PyYAML file back to its values (numbers as numbers; BigInts beyond 2**53 as the nearest)', () => {
    const plain = (v: unknown): unknown =>
      typeof v === 'bigint'
        ? Number(v)
        : typeof v === 'object' && v !== null
          ? Array.isArray(v)
            ? v.map(plain)
            : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
          : v;
    for (const c of all) {
      const back = parseDagshubParams(c.yaml);
      if (!back.ok) throw new Error(`${c.name}: ${back.error.message}\n${c.yaml}`);
      expect(plain(back.value), c.name).toEqual(plain(c.params));
    }
  });
});

describe('metrics.csv against Python csv (golden/metrics-csv.json)', () => {
  const all = goldenMetrics();

  it('writes 1e16 as the float Python writes and 2**60 as an int', () => {
    const c = all.find((x) => x.name === 'issue 18 numbers')!;
    expect(c.csv.split('\r\n').slice(0, 2)).toEqual([
      'Name,Value,Timestamp,Step\n"big",1e+16,1645296823304,1',
      '"int60",1152921504606846976,1645296823304,1',
    ]);
  });

  it('writes every case byte for byte as Python did, row by row and whole', () => {
    expect(all.length).toBeGreaterThan(200);
    for (const c of all) {
      const rows = c.rows.map(([name, value, ts, step]) => formatDagshubMetricRow(name, value, ts, step));
      expect(`${DAGSHUB_METRICS_HEADER}\n${rows.join('')}`, c.name).toBe(c.csv);
      const numeric = c.rows.every(([, v]) => typeof v !== 'bigint');
      if (numeric) {
        const file = c.rows.map(([name, value, timestamp, step]) => ({
          name,
          value: value as number | string,
          timestamp,
          step,
        }));
        expect(serializeDagshubMetrics(file), c.name).toBe(c.csv);
      }
    }
  });

  it('reads every Python file back to its rows', () => {
    // Known limit of the reader: papaparse drops the quotes, so a text value that looks like a
    // number ("0.5") reads back as the number. Those cases are left out here.
    const looksNumeric = (v: unknown) =>
      typeof v === 'string' && /^\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?(nan|inf))\s*$/.test(v);
    for (const c of all.filter((x) => !x.rows.some(([, v]) => looksNumeric(v)))) {
      const back = parseDagshubMetrics(c.csv);
      if (!back.ok) throw new Error(`${c.name}: ${back.error.message}`);
      expect(
        back.value.rows.map((r) => r.name),
        c.name,
      ).toEqual(c.rows.map(([name]) => name));
      expect(serializeDagshubMetrics(back.value), c.name).toBe(c.csv);
    }
  });
});
