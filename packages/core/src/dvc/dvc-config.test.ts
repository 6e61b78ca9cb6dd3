import { describe, expect, it } from 'vitest';
import { mergeDvcConfig, parseDvcConfig, remoteNames, remoteOf, serializeDvcConfig } from './dvc-config.ts';

const CONFIG = `[core]
    remote = storage
    autostage = true
['remote "storage"']
    url = https://dagshub.com/user/repo.dvc
[remote "backup"]
    url = s3://bucket/path
`;
const LOCAL = `['remote "storage"']
    auth = basic
    user = alice
    password = s3cret`;

describe('parseDvcConfig', () => {
  it('reads both quoting styles of remote sections, and config.local over config', () => {
    const base = parseDvcConfig(CONFIG);
    const local = parseDvcConfig(LOCAL, '.dvc/config.local');
    if (!base.ok) throw base.error;
    if (!local.ok) throw local.error;
    const merged = mergeDvcConfig(base.value, local.value);
    expect(remoteNames(merged)).toEqual(['storage', 'backup']);
    expect(remoteOf(merged)).toEqual({
      name: 'storage',
      url: 'https://dagshub.com/user/repo.dvc',
      options: { auth: 'basic', user: 'alice', password: 's3cret' },
    });
    expect(remoteOf(merged, 'backup')?.url).toBe('s3://bucket/path');
    expect(remoteOf(merged, 'nope')).toBeNull();
    expect(remoteOf(base.value)?.options).toEqual({});
  });

  it('writes the DVC layout and reads it back', () => {
    const base = parseDvcConfig(CONFIG);
    if (!base.ok) throw base.error;
    const text = serializeDvcConfig(base.value);
    expect(text).toContain(`['remote "storage"']\n    url = https://dagshub.com/user/repo.dvc\n`);
    expect(parseDvcConfig(text)).toEqual(base);
  });

  it('says which line is wrong', () => {
    expect(parseDvcConfig('[core]\n    remote = x\n  just words\n')).toMatchObject({
      ok: false,
      error: { code: 'ini_syntax', line: 3, file: '.dvc/config' },
    });
    expect(parseDvcConfig('remote = x\n')).toMatchObject({ ok: false, error: { code: 'ini_syntax', line: 1 } });
  });
});
