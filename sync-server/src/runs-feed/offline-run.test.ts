import { describe, expect, it } from 'vitest';
import { OfflineRunError, readOfflineRun } from './offline-run.ts';

describe('readOfflineRun', () => {
  it('reads a valid run with defaults', () => {
    const run = readOfflineRun({ id: '0b6e1c9a-2f4d-4c1e-9b7a-1d2e3f4a5b6c', startTime: 5, params: { lr: 0.1 } }, 0);
    expect(run).toMatchObject({
      experimentId: 0,
      status: 'FINISHED',
      endTime: null,
      params: [['lr', '0.1']],
      metrics: [],
    });
  });

  it.each([
    [{ id: '', startTime: 1 }, /id must be/],
    [{ id: 'a/b', startTime: 1 }, /id must be/],
    [{ id: 'a', startTime: -1 }, /startTime/],
    [{ id: 'a', startTime: 1, experimentId: 'x' }, /experimentId/],
    [{ id: 'a', startTime: 1, tags: ['x'] }, /tags must be/],
    [{ id: 'a', startTime: 1, metrics: [{ key: 'm', value: 1, timestamp: 1, step: 1.5 }] }, /step/],
    [{ id: 'a', startTime: 1, metrics: [{ key: '..', value: 1, timestamp: 1 }] }, /Invalid metric name/],
  ])('refuses %j', (raw, message) => {
    expect(() => readOfflineRun(raw, 3)).toThrow(OfflineRunError);
    expect(() => readOfflineRun(raw, 3)).toThrow(message);
    expect(() => readOfflineRun(raw, 3)).toThrow(/^runs\[3\]/);
  });
});
