import { describe, expect, it } from 'vitest';
import { ParseError } from './parse-error.ts';
import { PipelineError } from './pipeline-error.ts';
import { fail, ok } from './result.ts';

describe('typed errors', () => {
  it('ParseError survives a JSON round trip and says where', () => {
    const e = new ParseError({
      code: 'schema',
      message: 'stages.a: every stage needs a `cmd`.',
      file: 'dvc.yaml',
      line: 2,
      column: 3,
      path: 'stages.a',
    });
    const back = ParseError.fromJSON(JSON.parse(JSON.stringify(e)));
    expect(back).toBeInstanceOf(ParseError);
    expect(back).toBeInstanceOf(Error);
    expect(back.toJSON()).toEqual(e.toJSON());
    expect(back.describe()).toBe('dvc.yaml:2:3: stages.a: every stage needs a `cmd`.');
    expect(new ParseError({ code: 'too_large', message: 'big' }).withFile('x').file).toBe('x');
  });

  it('PipelineError survives a JSON round trip', () => {
    const e = new PipelineError({ code: 'cycle', message: 'a → b → a', stages: ['a', 'b'], paths: [] });
    expect(PipelineError.fromJSON(JSON.parse(JSON.stringify(e))).toJSON()).toEqual(e.toJSON());
  });

  it('Result helpers', () => {
    expect(ok(1)).toEqual({ ok: true, value: 1 });
    const f = fail({ code: 'json_syntax', message: 'x' });
    expect(f.ok).toBe(false);
    expect(f.error.code).toBe('json_syntax');
  });
});
