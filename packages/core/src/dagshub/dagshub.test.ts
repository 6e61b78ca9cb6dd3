import { describe, expect, it } from 'vitest';
import { fixture, fixtures } from '../dvc/fixtures.ts';
import {
  dagshubMetricSeries,
  latestDagshubMetrics,
  parseDagshubMetrics,
  serializeDagshubMetrics,
} from './metrics-csv.ts';
import { parseDagshubParams, serializeDagshubParams } from './params-yml.ts';
import { pythonFloatRepr } from './python-repr.ts';

describe('DagsHub metrics.csv', () => {
  it('reads the current logger format: LF header, CRLF rows, quoted names, ms timestamps', () => {
    const text = fixture('dagshub-logger-current/metrics.csv');
    const r = parseDagshubMetrics(text);
    if (!r.ok) throw r.error;
    expect(r.value.style).toBe('quoted');
    expect(r.value.rowEnding).toBe('\r\n');
    expect(r.value.rows[0]).toMatchObject({ name: 'k_best', value: 4, timestamp: 1645296823304, step: 1 });
    expect(r.value.rows[1]!.value).toBeCloseTo(4212.83139880772);
  });

  it('reads the legacy format: bare names, LF rows, hundreds of steps', () => {
    const r = parseDagshubMetrics(fixture('dagshub-logger-legacy/hyperparams-as-dependency.metrics.csv'));
    if (!r.ok) throw r.error;
    expect(r.value.style).toBe('legacy');
    expect(r.value.rowEnding).toBe('\n');
    const series = dagshubMetricSeries(r.value.rows);
    expect(series.get('loss')!.length).toBeGreaterThan(50);
    expect(latestDagshubMetrics(r.value.rows).get('loss')!.step).toBe(
      Math.max(...series.get('loss')!.map((x) => x.step)),
    );
  });

  it('writes every fixture back byte for byte', () => {
    for (const [name, text] of Object.entries(fixtures).filter(([n]) => n.endsWith('metrics.csv'))) {
      const r = parseDagshubMetrics(text, name);
      if (!r.ok) throw r.error;
      expect(serializeDagshubMetrics(r.value), name).toBe(text);
    }
  });

  it('handles names with quotes, commas and newlines, nan/inf and float repr', () => {
    const rows = [
      { name: 'also \n this', value: 1e-5, timestamp: 1645296823304, step: 1 },
      { name: 'a,"b"', value: Number.NaN, timestamp: 1645296823304, step: 2 },
      { name: 'x', value: Number.POSITIVE_INFINITY, timestamp: 1645296823305, step: 3 },
      { name: 'y', value: 'text', timestamp: 1645296823305, step: 3 },
      { name: 'z', value: 0.1, timestamp: 1645296823305, step: 3 },
    ];
    const text = serializeDagshubMetrics(rows);
    expect(text).toBe(
      'Name,Value,Timestamp,Step\n"also \n this",1e-05,1645296823304,1\r\n"a,""b""",nan,1645296823304,2\r\n"x",inf,1645296823305,3\r\n"y","text",1645296823305,3\r\n"z",0.1,1645296823305,3\r\n',
    );
    const back = parseDagshubMetrics(text);
    if (!back.ok) throw back.error;
    expect(back.value.rows.map((r) => [r.name, r.value])).toEqual(rows.map((r) => [r.name, r.value]));
    expect(serializeDagshubMetrics(back.value)).toBe(text);
  });

  it('refuses files that are not DagsHub metrics, with the line', () => {
    expect(parseDagshubMetrics('a,b\n1,2\n')).toMatchObject({ ok: false, error: { code: 'schema', line: 1 } });
    const bad = parseDagshubMetrics('Name,Value,Timestamp,Step\n"a",1,2,3\r\n"b",1,notatime,3\r\n');
    expect(bad).toMatchObject({ ok: false, error: { code: 'schema', line: 3 } });
  });

  it('writes Python float repr', () => {
    expect([1e-5, 0.0001, 1e16, 123.456, 1.5e-7, 4211.139775402384, -0.5, 2.0].map(pythonFloatRepr)).toEqual([
      '1e-05',
      '0.0001',
      '1e+16',
      '123.456',
      '1.5e-07',
      '4211.139775402384',
      '-0.5',
      '2.0',
    ]);
  });
});

describe('DagsHub params.yml', () => {
  it('reads and writes every fixture byte for byte (PyYAML safe_dump layout)', () => {
    for (const [name, text] of Object.entries(fixtures).filter(([n]) => n.endsWith('params.yml'))) {
      const r = parseDagshubParams(text, name);
      if (!r.ok) throw r.error;
      expect(serializeDagshubParams(r.value, text), name).toBe(text);
      // Written afresh, as PyYAML would (it always ends the file with a newline).
      expect(serializeDagshubParams(r.value), name).toBe(text.endsWith('\n') ? text : `${text}\n`);
    }
  });

  it('quotes what YAML 1.1 would read as something else, sorts keys, writes {} when empty', () => {
    expect(serializeDagshubParams({})).toBe('{}\n');
    expect(
      serializeDagshubParams({
        z: 'yes',
        a: '4',
        b: '1.5',
        c: 'on',
        d: '',
        e: 'a: b',
        f: null,
        g: 1e-5,
        h: '- x',
        i: [1, 'two'],
        j: '2020-01-01',
      }),
    ).toBe(
      "a: '4'\nb: '1.5'\nc: 'on'\nd: ''\ne: 'a: b'\nf: null\ng: 1.0e-05\nh: '- x'\ni:\n- 1\n- two\nj: '2020-01-01'\nz: 'yes'\n",
    );
  });

  it('reads base-60 numbers as PyYAML does: 1:30 is 90, 0:0 and 0:30 stay text (as written plain)', () => {
    expect(serializeDagshubParams({ a: '1:30', b: '0:0', c: '0:30' })).toBe("a: '1:30'\nb: 0:0\nc: 0:30\n");
    const r = parseDagshubParams('a: 1:30\nb: 0:0\nc: 0:30\nd: 1:30.5\n');
    if (!r.ok) throw r.error;
    expect(r.value).toEqual({ a: 90, b: '0:0', c: '0:30', d: 90.5 });
  });
});
