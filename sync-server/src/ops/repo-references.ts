import { spawn } from 'node:child_process';
import { type HashedEntry, parseDvcFile, parseDvcLock } from '@cairn/core';
import { gitEnv, runGit } from '../git/run-git.ts';

/**
 * Which DVC objects one bare repository's history names: every commit reachable from any ref
 * (branches, tags, `refs/stash`, `refs/exps/*`, anything under refs/), from HEAD, or from any
 * reflog entry; in each, every `*.dvc` file and `dvc.lock`, parsed with core's parsers. A
 * pointer file that does not parse is not skipped: every 32-hex string in it counts as a
 * reference (keeping too much is safe, too little is not). Any git error throws: the caller
 * must treat an unread repository as "references unknown" and delete nothing.
 */
export interface RepoReferences {
  /** Object ids named by pointer files: `md5` or `md5.dir`. */
  oids: Set<string>;
  /** `sha refname` lines of every ref at the start of the scan (to see pushes that land during GC). */
  refs: string;
  commits: number;
  pointerFiles: number;
  /** Pointer files read by the 32-hex fallback, as `commit:path` (reported, not fatal). */
  unparsed: string[];
}

/** The refs of a repository, HEAD included, as one comparable string. */
export async function refSnapshot(gitDir: string): Promise<string> {
  const refs = await runGit(['for-each-ref', '--format=%(objectname) %(refname)'], { cwd: gitDir });
  const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: gitDir }).catch(() => '');
  return `${refs}HEAD ${head}`;
}

const POINTER = /(^|\/)(dvc\.lock|[^/]*\.dvc)$/;
const HEX_OID = /[0-9a-f]{32}(?:\.dir)?/g;

export async function repoReferences(gitDir: string): Promise<RepoReferences> {
  const refs = await refSnapshot(gitDir);
  // `--all` is every ref under refs/ plus HEAD; `--reflog` adds every reflog entry. A reflog naming
  // an object git no longer has makes rev-list fail, which aborts the GC: as it should.
  const trees = await runGit(['rev-list', '--all', '--reflog', '--format=%T', '--no-commit-header'], { cwd: gitDir });
  const treeIds = [...new Set(trees.split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l)))];
  const commits = trees.split('\n').filter((l) => l !== '').length;
  /** blob sha → one path it is found at (the name decides the parser). */
  const pointers = new Map<string, string>();
  for (const tree of treeIds) {
    const listing = await runGit(['ls-tree', '-r', '-z', tree], { cwd: gitDir });
    for (const entry of listing.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [, type, sha] = entry.slice(0, tab).split(' ');
      const file = entry.slice(tab + 1);
      if (type === 'blob' && sha && POINTER.test(file) && !pointers.has(`${sha} ${file}`))
        pointers.set(`${sha} ${file}`, file);
    }
  }
  const oids = new Set<string>();
  const unparsed: string[] = [];
  const blobs = await catBlobs(gitDir, [...new Set([...pointers.keys()].map((k) => k.split(' ')[0] as string))]);
  for (const [key, file] of pointers) {
    const sha = key.split(' ')[0] as string;
    const text = blobs.get(sha) ?? '';
    const entries = pointerEntries(text, file);
    if (entries === null) {
      unparsed.push(`${sha}:${file}`);
      for (const m of text.matchAll(HEX_OID)) oids.add(m[0]);
      continue;
    }
    for (const e of entries) if (e.md5 && /^[0-9a-f]{32}(\.dir)?$/.test(e.md5)) oids.add(e.md5);
  }
  return { oids, refs, commits, pointerFiles: pointers.size, unparsed };
}

/** The hashed entries of a `.dvc` file or `dvc.lock`, or null when it does not parse. */
function pointerEntries(text: string, file: string): HashedEntry[] | null {
  if (/(^|\/)dvc\.lock$/.test(file)) {
    const lock = parseDvcLock(text, file);
    if (!lock.ok) return null;
    return Object.values(lock.value.stages).flatMap((s) => [...s.deps, ...s.outs]);
  }
  const dvc = parseDvcFile(text, file);
  if (!dvc.ok) return null;
  return [...dvc.value.outs, ...dvc.value.deps];
}

/** Reads many blobs through one `git cat-file --batch` process. */
function catBlobs(gitDir: string, shas: string[]): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const out = new Map<string, string>();
    if (shas.length === 0) return resolve(out);
    const child = spawn('git', ['cat-file', '--batch'], { cwd: gitDir, env: gitEnv() });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file failed (${code}): ${stderr.trim()}`));
      const buf = Buffer.concat(chunks);
      let pos = 0;
      for (const sha of shas) {
        const nl = buf.indexOf(0x0a, pos);
        const header = buf.subarray(pos, nl).toString();
        const [got, type, size] = header.split(' ');
        if (got !== sha || type === 'missing' || size === undefined) {
          return reject(new Error(`git cat-file: cannot read ${sha} (${header})`));
        }
        const start = nl + 1;
        out.set(sha, buf.subarray(start, start + Number(size)).toString('utf8'));
        pos = start + Number(size) + 1;
      }
      resolve(out);
    });
    child.stdin.end(`${shas.join('\n')}\n`);
  });
}
