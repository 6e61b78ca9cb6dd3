/**
 * An in-memory git object store for the scanner's tests: content-addressed blobs, trees and
 * commits (equal content ⇒ equal id, so unchanged subtrees are shared as in real git), refs,
 * and a GitReader over them that counts what was read.
 */
import type { GitCommitInfo, GitReader, GitRef, GitTreeEntry } from './git-reader.ts';

export class MemoryGit implements GitReader {
  private readonly ids = new Map<string, string>();
  readonly blobs = new Map<string, Uint8Array>();
  readonly trees = new Map<string, GitTreeEntry[]>();
  readonly commitObjects = new Map<string, GitCommitInfo>();
  readonly refs: GitRef[] = [];
  reads = { commits: 0, trees: 0, blobs: 0 };
  private time = 1_700_000_000;

  private idOf(content: string): string {
    let id = this.ids.get(content);
    if (!id) {
      id = (this.ids.size + 1).toString(16).padStart(40, '0');
      this.ids.set(content, id);
    }
    return id;
  }

  private writeTree(files: Record<string, string>): string {
    const here: GitTreeEntry[] = [];
    const dirs = new Map<string, Record<string, string>>();
    for (const [path, text] of Object.entries(files)) {
      const slash = path.indexOf('/');
      if (slash < 0) {
        const oid = this.idOf(`blob\0${text}`);
        this.blobs.set(oid, new TextEncoder().encode(text));
        here.push({ name: path, mode: '100644', type: 'blob', oid });
      } else {
        const d = path.slice(0, slash);
        const sub = dirs.get(d) ?? {};
        sub[path.slice(slash + 1)] = text;
        dirs.set(d, sub);
      }
    }
    for (const [d, sub] of dirs) here.push({ name: d, mode: '040000', type: 'tree', oid: this.writeTree(sub) });
    here.sort((a, b) => (a.name < b.name ? -1 : 1));
    const oid = this.idOf(`tree\0${JSON.stringify(here)}`);
    this.trees.set(oid, here);
    return oid;
  }

  /** Commits the whole file set (path → text) on top of `parents`; returns the commit id. */
  commit(files: Record<string, string>, parents: string[], message: string): string {
    const tree = this.writeTree(files);
    this.time += 60;
    const person = { name: 'Ada', email: 'ada@example.com', timestamp: this.time };
    const oid = this.idOf(`commit\0${tree}\0${parents.join(',')}\0${message}\0${this.time}`);
    this.commitObjects.set(oid, { oid, tree, parents, message, author: person, committer: person });
    return oid;
  }

  setRef(ref: string, oid: string): void {
    const existing = this.refs.find((r) => r.ref === ref);
    if (existing) existing.oid = oid;
    else this.refs.push({ ref, oid });
  }

  async listRefs(): Promise<GitRef[]> {
    return this.refs.map((r) => ({ ...r }));
  }
  async readCommit(oid: string): Promise<GitCommitInfo> {
    this.reads.commits++;
    const c = this.commitObjects.get(oid);
    if (!c) throw new Error(`no commit ${oid}`);
    return c;
  }
  async readTree(oid: string): Promise<GitTreeEntry[]> {
    this.reads.trees++;
    const t = this.trees.get(oid);
    if (!t) throw new Error(`no tree ${oid}`);
    return t;
  }
  async readBlob(oid: string): Promise<Uint8Array> {
    this.reads.blobs++;
    const b = this.blobs.get(oid);
    if (!b) throw new Error(`no blob ${oid}`);
    return b;
  }
}
