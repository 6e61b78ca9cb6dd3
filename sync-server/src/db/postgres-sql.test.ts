import { describe, expect, it } from 'vitest';
import { asUnavailable, openPostgres } from './postgres-sql.ts';
import { DatabaseUnavailableError } from './sql.ts';

describe('openPostgres', () => {
  it('fails with database_unavailable when nothing answers at the URL', async () => {
    // Port 1 on loopback: refused at once, no server needed.
    const err = await openPostgres('postgres://cairn@127.0.0.1:1/cairn').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as DatabaseUnavailableError).code).toBe('database_unavailable');
  });

  it('tells connection failures from statement errors', () => {
    expect(asUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBeInstanceOf(
      DatabaseUnavailableError,
    );
    expect(asUnavailable(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(DatabaseUnavailableError);
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(asUnavailable(syntax)).toBe(syntax);
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(asUnavailable(unique)).toBe(unique);
  });
});
