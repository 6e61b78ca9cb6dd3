import { CAIRN_CODE, CairnError } from '@cairn/core/errors';
import { describe, expect, it } from 'vitest';
import { AddDataError } from './data/add-data.ts';
import { DataFetchError } from './files/data-fetch.ts';
import {
  AuthRequiredError,
  DivergedError,
  RepoTooLargeError,
  ServerUnreachableError,
  WriteRefusedError,
} from './git/errors.ts';
import { GitReadError } from './git/read-errors.ts';
import { RepoMovedError } from './repo-settings/renamed-repo.ts';
import { RepoAdminError } from './repo-settings/repo-admin.ts';
import { BlobNotFoundError } from './storage/blob-store.ts';
import { InvalidOidError, InvalidRepoNameError, StorageFullError } from './storage/errors.ts';
import { ApiError } from './sync/api.ts';
import { DataPushError } from './sync/data-push.ts';
import { CsvParseError } from './viewers/csv-parse.ts';
import { NotebookError } from './viewers/notebook-model.ts';
import { HashCancelledError, HashFailedError } from './workers/hash-pool.ts';

describe("the app's errors (issue 18: one family, one casing)", () => {
  const errors: CairnError<string, object>[] = [
    new AddDataError('invalid_path', 'x'),
    new DataFetchError('data_offline', 'x', 'oid'),
    new AuthRequiredError('http://s'),
    new DivergedError('main', ['a']),
    new RepoTooLargeError(1024),
    new ServerUnreachableError('http://s'),
    new WriteRefusedError('http://s'),
    new GitReadError('path_not_found', 'x', { path: 'a/b' }),
    new BlobNotFoundError('md5/x'),
    new InvalidOidError('x'),
    new InvalidRepoNameError('-x'),
    new StorageFullError('data.csv'),
    new ApiError(500, 'internal', 'x'),
    new DataPushError('oid', 500),
    new CsvParseError('x'),
    new NotebookError('x', 'a.ipynb'),
    new HashCancelledError([]),
    new HashFailedError('read_failed', 'x', []),
    new RepoAdminError('name_taken', 'x'),
    new RepoMovedError({ owner: 'a', name: 'b' }, { owner: 'a', name: 'c' }),
  ];

  it.each(errors.map((e) => [e.name, e] as const))('%s is a CairnError with a snake_case code', (_name, e) => {
    expect(e).toBeInstanceOf(CairnError);
    expect(e.code).toMatch(CAIRN_CODE);
    const back = CairnError.fromJSON(JSON.parse(JSON.stringify(e)));
    expect([back.name, back.code, back.message, back.data]).toEqual([e.name, e.code, e.message, e.data]);
  });

  it('keeps what the error is about in its data', () => {
    expect(new GitReadError('path_not_found', 'x', { path: 'a/b' }).data).toEqual({ path: 'a/b' });
    expect(new StorageFullError('data.csv').data).toEqual({ what: 'data.csv' });
  });
});
