import { describe, expect, it } from 'vitest';
import { MAX_BATCH_OIDS, readBatchMissingRequest, readBatchMissingResponse } from './batch-missing.ts';

const A = '0cc175b9c0f1b6a831c399e269772661';

describe('batch missing call (wire contract of server, CLI and app)', () => {
  it('reads oids, also under the name hashes, with .dir manifests', () => {
    expect(readBatchMissingRequest({ oids: [A, `${A}.dir`] })).toEqual({ ok: true, oids: [A, `${A}.dir`] });
    expect(readBatchMissingRequest({ hashes: [A] })).toEqual({ ok: true, oids: [A] });
    expect(readBatchMissingRequest({ oids: [] })).toEqual({ ok: true, oids: [] });
  });

  it('refuses what is not a list of object ids, naming the bad item', () => {
    for (const body of [null, [], 'x', { oids: 'x' }, { oids: new Array(MAX_BATCH_OIDS + 1).fill(A) }]) {
      expect(readBatchMissingRequest(body).ok, JSON.stringify(body)?.slice(0, 40)).toBe(false);
    }
    for (const bad of [A.toUpperCase(), `${A}.DIR`, `../${A}`, 5, `${A.slice(2)}`]) {
      expect(readBatchMissingRequest({ oids: [A, bad] })).toEqual({
        ok: false,
        problem: { message: 'Item 1 is not an object id (32 lowercase hex, optional .dir).', index: 1 },
      });
    }
  });

  it('reads an answer, or says it is not one (a plain DVC remote)', () => {
    expect(readBatchMissingResponse({ missing: [A, 7] })).toEqual([A]);
    expect(readBatchMissingResponse({ stored: true })).toBeUndefined();
    expect(readBatchMissingResponse(null)).toBeUndefined();
  });
});
