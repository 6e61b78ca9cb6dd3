import { describe, expect, it } from 'vitest';
import { CacheError } from '../cache/object-path.ts';
import { FilterError } from '../runs/filter-error.ts';
import { CAIRN_CODE, CairnError } from './cairn-error.ts';
import { ParseError } from './parse-error.ts';
import { PipelineError } from './pipeline-error.ts';

describe('CairnError, the base of every error Cairn makes', () => {
  it('survives a JSON round trip with its code and data', () => {
    const e = new CairnError('storage_full', 'The browser is full.', { what: 'data.csv' });
    const back = CairnError.fromJSON(JSON.parse(JSON.stringify(e)));
    expect(back).toBeInstanceOf(CairnError);
    expect(back.toJSON()).toEqual({
      name: 'CairnError',
      code: 'storage_full',
      message: 'The browser is full.',
      data: { what: 'data.csv' },
    });
  });

  it('reads anything without throwing: what is not an error becomes unknown_error', () => {
    for (const junk of [null, 3, 'x', [], { code: 1 }, { name: 'X', code: 'c' }]) {
      const e = CairnError.fromJSON(junk);
      expect(e.code).toBe('unknown_error');
      expect(e.data).toEqual({ value: junk });
    }
  });

  it("core's errors are CairnErrors in Cairn's one casing, with data", () => {
    const errors = [
      new ParseError({ code: 'yaml_syntax', message: 'bad', file: 'dvc.yaml', line: 2 }),
      new PipelineError({ code: 'cycle', message: 'a → b → a', stages: ['a', 'b'], paths: [] }),
      new FilterError({ code: 'unexpected_token', message: 'x', offset: 1, length: 1, line: 1, column: 2 }),
      new CacheError('invalid_oid', 'not an oid'),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(CairnError);
      expect(e.code).toMatch(CAIRN_CODE);
      expect(CairnError.fromJSON(JSON.parse(JSON.stringify(e))).toJSON()).toMatchObject({ code: e.code, data: e.data });
    }
    expect(errors[0]!.data).toEqual({ file: 'dvc.yaml', line: 2 });
  });

  it('the type checker refuses codes in another casing', () => {
    // @ts-expect-error kebab-case is not Cairn's casing
    expect(new CairnError('storage-full', 'x').code).not.toMatch(CAIRN_CODE);
    // @ts-expect-error SCREAMING_CASE belongs to other systems' wire layers (MLflow)
    expect(new CairnError('PATH_NOT_FOUND', 'x').code).not.toMatch(CAIRN_CODE);
    expect(new CairnError('path_not_found', 'x').code).toMatch(CAIRN_CODE);
  });
});
