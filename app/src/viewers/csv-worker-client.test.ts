import { describe, expect, it } from 'vitest';
import { StandInWorker } from '../workers/stand-in-worker.test-support.ts';
import type { CsvRequest, CsvResponse } from './csv-protocol.ts';
import { connectCsvWorker } from './csv-worker-client.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the CSV viewer and its worker', () => {
  it('passes responses through', async () => {
    const w = new StandInWorker<CsvRequest, CsvResponse>((req, self) => {
      if (req.type === 'open') self.send({ type: 'header', header: ['a', 'b'] });
    });
    const got: CsvResponse[] = [];
    connectCsvWorker(
      () => w.asWorker(),
      (m) => got.push(m),
    ).send({ type: 'open', file: new Blob(['a,b\n']), delimiter: ',' });
    await tick();
    expect(got).toEqual([{ type: 'header', header: ['a', 'b'] }]);
  });

  it('answers with an error when the worker throws, instead of leaving the table waiting', async () => {
    const w = new StandInWorker<CsvRequest, CsvResponse>((_req, self) => self.throw('RangeError: out of memory'));
    const got: CsvResponse[] = [];
    const client = connectCsvWorker(
      () => w.asWorker(),
      (m) => got.push(m),
    );
    client.send({ type: 'open', file: new Blob(['a,b\n']), delimiter: ',' });
    await tick();
    expect(got).toEqual([{ type: 'error', message: 'the CSV reader stopped (RangeError: out of memory)' }]);
    expect(w.terminated).toBe(true);
    client.send({ type: 'rows', id: 1, start: 0, end: 10, view: 0 });
    expect(w.posted).toHaveLength(1);
  });

  it('answers with an error when the worker cannot load', async () => {
    const w = new StandInWorker<CsvRequest, CsvResponse>(() => {});
    const got: CsvResponse[] = [];
    connectCsvWorker(
      () => w.asWorker(),
      (m) => got.push(m),
    );
    w.throw('');
    expect(got).toEqual([{ type: 'error', message: 'the CSV reader stopped (it could not start)' }]);
  });
});
