import { describe, expect, it } from 'vitest';
import { parseDvcPointer } from '../files/dvc-pointer.ts';
import { dvcFileText, gitignoreWith, isAddablePath } from './dvc-out.ts';

describe('what dvc add writes', () => {
  it('writes a DVC 3 pointer for a folder, as dvc add does', () => {
    const text = dvcFileText({ name: 'images', oid: '153aad06d376b6595932470e459ef42a.dir', size: 222379, nfiles: 3 });
    expect(text).toBe(
      'outs:\n- md5: 153aad06d376b6595932470e459ef42a.dir\n  size: 222379\n  nfiles: 3\n  hash: md5\n  path: images\n',
    );
    expect(parseDvcPointer(text, 'data/images.dvc')).toEqual([
      expect.objectContaining({ path: 'images', isDir: true, legacy: false, size: 222379, nfiles: 3 }),
    ]);
  });

  it('quotes names YAML would misread', () => {
    const text = dvcFileText({ name: 'yes: no #1', oid: '0cc175b9c0f1b6a831c399e269772661', size: 1 });
    expect(parseDvcPointer(text, 'x.dvc')[0]?.path).toBe('yes: no #1');
  });

  it('git-ignores the data once', () => {
    expect(gitignoreWith(null, 'images')).toBe('/images\n');
    expect(gitignoreWith('/model.pkl', 'images')).toBe('/model.pkl\n/images\n');
    expect(gitignoreWith('/images\n', 'images')).toBe('/images\n');
  });

  it('accepts only paths inside the working tree', () => {
    expect(isAddablePath('data/images')).toBe(true);
    for (const bad of ['', '/abs', 'a/../b', '..', '.git/x', '.dvc/cache', 'a//b', 'a/', 'sub/.git/x', 'a\\b']) {
      expect(isAddablePath(bad)).toBe(false);
    }
  });
});
