/**
 * Keeping data out of git as `dvc add` does: the entry `/<name>` in the `.gitignore` of the
 * data's own folder, added once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';

/** Adds `/<basename>` to `<dirname>/.gitignore`; returns the .gitignore path if it changed. */
export function ignoreInGit(absTarget: string): string | undefined {
  const file = path.join(path.dirname(absTarget), '.gitignore');
  const entry = `/${path.basename(absTarget)}`;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (text.split(/\r?\n/).some((l) => l.trim() === entry)) return undefined;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileAtomic(file, `${text}${sep}${entry}\n`);
  return file;
}
