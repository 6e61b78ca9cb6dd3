/**
 * The cached outputs a `dvc.lock` records (a pipeline's `models/model.pkl`, `data/prepared`),
 * reshaped like a `.dvc` file's outs so the file browser shows them in place. Parsing is core's
 * (`parseDvcLock`); outs kept in git (`cache: false`, e.g. metrics) are left out, as for `.dvc`
 * files. Paths are relative to the lock file's folder (the stage's `wdir` is not in the lock).
 */
import { parseDvcLock } from '@cairn/core/dvc/dvc-lock';
import { schemaError } from '@cairn/core/dvc/schema-error';
import { loadYaml } from '@cairn/core/yaml/load-yaml';
import { type DvcOut, toOut } from './dvc-pointer.ts';

export interface LockOut extends DvcOut {
  /** The stage that wrote it (`train`, `build@us`). */
  stage: string;
}

/**
 * @throws ParseError (core's, with file/line/column) for a lock file that is not valid
 * @example parseLockOuts('schema: \'2.0\'\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: model.pkl\n      md5: 0123…\n      hash: md5\n', 'dvc.lock')
 */
export function parseLockOuts(text: string, file: string): LockOut[] {
  const parsed = parseDvcLock(text, file);
  if (!parsed.ok) throw parsed.error;
  const outs: LockOut[] = [];
  for (const [stage, state] of Object.entries(parsed.value.stages)) {
    for (const [i, entry] of state.outs.entries()) {
      const out = toOut(entry);
      if (out === 'bad-md5') {
        const loaded = loadYaml(text, { file });
        const keyPath = parsed.value.schema === null ? [stage, 'outs', i, 'md5'] : ['stages', stage, 'outs', i, 'md5'];
        throw schemaError(loaded.ok ? loaded.value : undefined, keyPath, 'expected an MD5 hash.', file);
      }
      if (out) outs.push({ ...out, stage });
    }
  }
  return outs;
}
