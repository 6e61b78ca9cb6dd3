import { describe, expect, it } from 'vitest';
import { ServerUnreachableError } from '../git/errors.ts';
import { ApiError } from '../sync/api.ts';
import { movedTo, pathUnder } from './renamed-repo.ts';
import { adminErrorOf } from './repo-admin.ts';

describe('following a renamed repository', () => {
  it('moves only when the server names another repository', () => {
    expect(movedTo('admin', 'old', { owner: 'admin', name: 'new' })).toEqual({ owner: 'admin', name: 'new' });
    expect(movedTo('Admin', 'Data', { owner: 'admin', name: 'data' })).toBeNull();
    expect(movedTo('admin', 'old', null)).toBeNull();
  });

  it('keeps the page within the repository', () => {
    const to = { owner: 'team', name: 'new' };
    expect(pathUnder('/admin/old/commits/main', to)).toBe('/team/new/commits/main');
    expect(pathUnder('/admin/old', to)).toBe('/team/new');
    expect(pathUnder('/admin/old/blob/HEAD/data/a b.csv', to)).toBe('/team/new/blob/HEAD/data/a b.csv');
  });
});

describe("the server's refusals of a rename or delete", () => {
  it('keeps the server code where a person can act on it', () => {
    const taken = adminErrorOf(new ApiError(409, 'name_taken', 'admin already has a repository named x.'), 'rename');
    expect([taken.code, taken.message]).toEqual(['name_taken', 'admin already has a repository named x.']);
    expect(adminErrorOf(new ApiError(400, 'invalid_name', 'no'), 'rename').code).toBe('invalid_name');
    expect(adminErrorOf(new ApiError(404, 'not_found', 'No user bob.'), 'rename').code).toBe('no_such_owner');
    expect(adminErrorOf(new ApiError(400, 'confirmation_required', 'type it'), 'delete').code).toBe(
      'confirmation_required',
    );
  });

  it('says who may, and that nothing happened offline', () => {
    const forbidden = adminErrorOf(new ApiError(403, 'forbidden', 'Not allowed.'), 'delete');
    expect(forbidden.code).toBe('not_allowed');
    expect(forbidden.message).toContain('Only admins of this repository may delete it.');
    const offline = adminErrorOf(new ServerUnreachableError('http://127.0.0.1:9'), 'rename');
    expect(offline.code).toBe('server_unreachable');
    expect(offline.message).toContain('nothing was renamed');
  });
});
