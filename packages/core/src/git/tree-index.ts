/**
 * Reads trees once per object id. `experimentFiles(tree)` lists the experiment files anywhere
 * below a tree; because git shares unchanged subtrees between commits, a commit costs only the
 * trees on the paths that changed — the same work `git log -p` does — and a tree seen in
 * another commit or branch costs nothing.
 */

import { isExperimentFileName } from '../experiments/experiment-file-names.ts';
import type { GitReader, GitTreeEntry } from './git-reader.ts';

/** Repository-relative POSIX path → blob oid. */
export type FileOids = ReadonlyMap<string, string>;

/** Upper bound on raw trees kept for path lookups; the experiment-file index is kept whole. */
const MAX_CACHED_TREES = 20_000;

export class TreeIndex {
  private readonly trees = new Map<string, Promise<GitTreeEntry[]>>();
  private readonly files = new Map<string, Promise<FileOids>>();

  constructor(private readonly git: GitReader) {}

  readTree(oid: string): Promise<GitTreeEntry[]> {
    let t = this.trees.get(oid);
    if (!t) {
      if (this.trees.size >= MAX_CACHED_TREES) this.trees.clear();
      t = this.git.readTree(oid);
      this.trees.set(oid, t);
    }
    return t;
  }

  /** Every experiment file below `treeOid` (by name, see experiment-file-names.ts). */
  experimentFiles(treeOid: string): Promise<FileOids> {
    let f = this.files.get(treeOid);
    if (!f) {
      f = this.collect(treeOid);
      this.files.set(treeOid, f);
    }
    return f;
  }

  /** Whether the experiment files below this tree are known already. */
  hasIndexed(treeOid: string): boolean {
    return this.files.has(treeOid);
  }

  /**
   * `experimentFiles(treeOid)`, given those of another tree (the parent commit's) known from
   * elsewhere: subtrees equal in both take `baseFiles` without being read, subtrees that differ
   * are compared the same way, so only the folders on changed paths are read.
   */
  experimentFilesAgainst(treeOid: string, baseOid: string, baseFiles: FileOids): Promise<FileOids> {
    let f = this.files.get(treeOid);
    if (!f) {
      f = treeOid === baseOid ? Promise.resolve(baseFiles) : this.collectAgainst(treeOid, baseOid, baseFiles);
      this.files.set(treeOid, f);
    }
    return f;
  }

  private async collectAgainst(treeOid: string, baseOid: string, baseFiles: FileOids): Promise<FileOids> {
    const [entries, baseEntries] = await Promise.all([this.git.readTree(treeOid), this.readTree(baseOid)]);
    const base = new Map(baseEntries.map((e) => [e.name, e]));
    const out = new Map<string, string>();
    const subtrees = entries.filter((e) => e.type === 'tree');
    for (const e of entries) if (e.type === 'blob' && isExperimentFileName(e.name)) out.set(e.name, e.oid);
    const below = await Promise.all(
      subtrees.map((e) => {
        const b = base.get(e.name);
        if (b?.type !== 'tree') return this.experimentFiles(e.oid);
        return this.experimentFilesAgainst(e.oid, b.oid, filesUnder(baseFiles, e.name));
      }),
    );
    subtrees.forEach((e, i) => {
      for (const [p, oid] of below[i] as FileOids) out.set(`${e.name}/${p}`, oid);
    });
    return out;
  }

  private async collect(treeOid: string): Promise<FileOids> {
    const entries = await this.git.readTree(treeOid);
    const out = new Map<string, string>();
    const subtrees = entries.filter((e) => e.type === 'tree');
    for (const e of entries) if (e.type === 'blob' && isExperimentFileName(e.name)) out.set(e.name, e.oid);
    const below = await Promise.all(subtrees.map((e) => this.experimentFiles(e.oid)));
    subtrees.forEach((e, i) => {
      for (const [p, oid] of below[i] as FileOids) out.set(`${e.name}/${p}`, oid);
    });
    return out;
  }

  /** The blob at `path` in the tree, or null when there is none (or it is a directory). */
  async blobAt(treeOid: string, path: string): Promise<string | null> {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    let oid = treeOid;
    for (const [i, part] of parts.entries()) {
      const entry = (await this.readTree(oid)).find((e) => e.name === part);
      if (!entry) return null;
      if (i === parts.length - 1) return entry.type === 'blob' ? entry.oid : null;
      if (entry.type !== 'tree') return null;
      oid = entry.oid;
    }
    return null;
  }
}

/** The files below folder `dir`, with paths relative to it. */
function filesUnder(files: FileOids, dir: string): FileOids {
  const prefix = `${dir}/`;
  const out = new Map<string, string>();
  for (const [p, oid] of files) if (p.startsWith(prefix)) out.set(p.slice(prefix.length), oid);
  return out;
}
