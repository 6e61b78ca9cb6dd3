import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDvcFile } from './dvc-file.ts';
import { parseDvcLock } from './dvc-lock.ts';
import { checkRepoPath, resolveRepoPath } from './repo-path.ts';

const MD5 = '22a1a2931c8370d3aeedd7183606fd7f';

describe('resolveRepoPath', () => {
  it('resolves paths that stay inside the repository', () => {
    expect(resolveRepoPath('data', '../model.pkl')).toEqual({ ok: true, value: 'model.pkl' });
    expect(resolveRepoPath('.', './a/./b/../c')).toEqual({ ok: true, value: 'a/c' });
    expect(resolveRepoPath('a/b', '..')).toEqual({ ok: true, value: 'a' });
  });

  it.each([
    ['.', '../x'],
    ['.', 'a/../../x'],
    ['data', '../../etc/passwd'],
    ['.', '/etc/passwd'],
    ['.', 'C:\\x'],
    ['.', 'C:/x'],
    ['.', '\\\\server\\share'],
    ['.', 'a\\..\\..\\x'],
    ['.', 'a\0b'],
    ['/abs', 'x'],
  ])('refuses %s + %s with unsafe_path', (base, rel) => {
    const r = resolveRepoPath(base, rel);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('unsafe_path');
  });

  it('refuses outputs into .git, .dvc or the repository itself', () => {
    expect(checkRepoPath('.', '.git/hooks/pre-commit', { output: true })?.code).toBe('unsafe_path');
    expect(checkRepoPath('sub', '../.dvc/config', { output: true })?.code).toBe('unsafe_path');
    expect(checkRepoPath('.', 'GIT~1/config', { output: true })?.code).toBe('unsafe_path');
    expect(checkRepoPath('.', '.', { output: true })?.code).toBe('unsafe_path');
    expect(checkRepoPath('.', '.gitignore', { output: true })).toBeUndefined();
    expect(checkRepoPath('.', 's3://bucket/x', { allowExternal: true })).toBeUndefined();
  });

  it('never throws and never returns a path outside the repository (fast-check)', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', 'a', '.git', 'C:', '\\', '..\\..', '\0', '%2e%2e'),
      fc.string({ maxLength: 6 }),
    );
    const path = fc.oneof(
      fc.array(segment, { maxLength: 8 }).map((s) => s.join('/')),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    fc.assert(
      fc.property(path, path, (base, rel) => {
        const r = resolveRepoPath(base, rel);
        if (r.ok) {
          const parts = r.value.split('/');
          expect(parts).not.toContain('..');
          expect(r.value.startsWith('/')).toBe(false);
          expect(r.value).not.toMatch(/[\\\0]/);
          expect(parts.every((p) => p !== '' && p !== '.') || r.value === '.').toBe(true);
        } else expect(r.error.code).toBe('unsafe_path');
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('paths in .dvc and dvc.lock files', () => {
  const dvc = (path: string, key = 'outs') => `${key}:\n- md5: ${MD5}\n  size: 1\n  path: ${path}\n`;

  it('refuses a climbing out path with file, line and column', () => {
    const r = parseDvcFile(dvc('../../secret'), 'data/x.dvc');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('unsafe_path');
    expect(r.error.file).toBe('data/x.dvc');
    expect(r.error.line).toBe(4);
    expect(r.error.column).toBe(9);
    expect(r.error.message).toMatch(/outside the repository/);
  });

  it('accepts ../ that stays inside, and refuses absolute, backslash and .git outputs', () => {
    expect(parseDvcFile(dvc('../model.pkl'), 'data/x.dvc').ok).toBe(true);
    for (const p of ['/etc/passwd', "'C:\\x'", 'a\\b', '.git/config', '.dvc/config']) {
      const r = parseDvcFile(dvc(p), 'x.dvc');
      expect(r.ok ? 'ok' : r.error.code, p).toBe('unsafe_path');
    }
  });

  it('keeps external import deps parsing', () => {
    const text = `md5: ${MD5}\nfrozen: true\ndeps:\n- path: data/x\n  repo:\n    url: https://github.com/iterative/dataset-registry\nouts:\n- md5: ${MD5}\n  size: 1\n  path: x\n`;
    expect(parseDvcFile(text, 'x.dvc').ok).toBe(true);
    expect(parseDvcFile(dvc('s3://bucket/data.csv', 'deps'), 'x.dvc').ok).toBe(true);
  });

  it('refuses absolute lock paths but allows wdir-relative ..', () => {
    const lock = (p: string) =>
      `schema: '2.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - path: ${p}\n      md5: ${MD5}\n      size: 1\n`;
    expect(parseDvcLock(lock('../out')).ok).toBe(true);
    const r = parseDvcLock(lock('/etc/passwd'));
    expect(r.ok ? 'ok' : r.error.code).toBe('unsafe_path');
    if (!r.ok) expect(r.error.line).toBe(6);
  });
});
