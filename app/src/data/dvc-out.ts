/**
 * What `dvc add` writes next to added data: the `.dvc` pointer (DVC 3 form, `hash: md5`) and
 * the line that git-ignores the data in the folder's `.gitignore`. Pure text functions.
 */
import { stringify } from 'yaml';

export interface AddedOut {
  /** The data's name inside its folder (the `.dvc` file sits beside it). */
  name: string;
  /** md5 of the file, or md5 + `.dir` of a folder's manifest. */
  oid: string;
  size: number;
  /** Number of files, for a folder. */
  nfiles?: number;
}

/** The `.dvc` file of one out, keys in DVC's own order (md5, size, nfiles, hash, path). */
export function dvcFileText(out: AddedOut): string {
  const entry: Record<string, unknown> = { md5: out.oid, size: out.size };
  if (out.nfiles !== undefined) entry.nfiles = out.nfiles;
  entry.hash = 'md5';
  entry.path = out.name;
  return stringify({ outs: [entry] }, { indentSeq: false });
}

/** `.gitignore` text with `/name` added (as `dvc add` does), unchanged if already ignored. */
export function gitignoreWith(existing: string | null, name: string): string {
  const line = `/${name}`;
  const text = existing ?? '';
  if (text.split(/\r?\n/).some((l) => l.trim() === line)) return text;
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
}

/** A path inside the repository where data may be added: relative, no `..`, not in `.git`/`.dvc`. */
export function isAddablePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.endsWith('/') || path.includes('\\') || path.includes('\0')) {
    return false;
  }
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return false;
  const first = parts[0]?.toLowerCase();
  return first !== '.git' && first !== '.dvc' && !parts.some((p) => p.toLowerCase() === '.git');
}
