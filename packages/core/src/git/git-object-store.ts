/**
 * A repository's object database (`<gitdir>/objects`): its packs, indexes loaded once and kept,
 * then loose objects. Packs are found again when an object is missing (a fetch adds packs), so
 * one store serves a repository for as long as the worker lives.
 *
 *   const store = new GitObjectStore(files, '/repo/.git', inflate);
 *   const commit = await store.readCommit(oid);   // GitCommitInfo, minimal parse
 */

import { sha1 } from 'hash-wasm';
import {
  type GitObject,
  GitObjectError,
  type GitObjectFiles,
  GitObjectMissingError,
  type GitObjectType,
  type Inflate,
  Pack,
  PackIndex,
  parseCommit,
  parseLooseObject,
  parseTagTarget,
  parseTree,
} from './git-objects.ts';
import type { GitCommitInfo, GitTreeEntry } from './git-reader.ts';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export class GitObjectStore {
  private packs: Promise<Pack[]> | null = null;
  /** Packs read so far by index file name: a pack never changes, so a refresh keeps them. */
  private readonly loaded = new Map<string, Pack>();
  /** The latest pack list, where a thin pack's REF_DELTA bases are looked up. */
  private current: Pack[] = [];

  constructor(
    private readonly files: GitObjectFiles,
    private readonly gitdir: string,
    private readonly inflate: Inflate,
  ) {}

  /** Lists the pack folder again on the next read, so packs written since are found (a fetch, a gc). */
  refresh(): void {
    this.packs = null;
  }

  private loadPacks(): Promise<Pack[]> {
    this.packs ??= (async () => {
      const dir = `${this.gitdir}/objects/pack`;
      const names = (await this.files.list(dir)).filter((n) => n.endsWith('.idx')).sort();
      const packs: Pack[] = [];
      for (const gone of [...this.loaded.keys()].filter((n) => !names.includes(n))) this.loaded.delete(gone);
      for (const idxName of names) {
        const known = this.loaded.get(idxName);
        if (known) {
          packs.push(known);
          continue;
        }
        const packPath = `${dir}/${idxName.slice(0, -4)}.pack`;
        const [idx, pack] = await Promise.all([
          this.files.read(`${dir}/${idxName}`),
          this.files.openPack ? this.files.openPack(packPath) : this.files.read(packPath),
        ]);
        if (!idx || !pack) continue; // an index whose pack is still being written
        const p = new Pack(new PackIndex(idx), pack, this.inflate, (oid) => this.fromPacks(this.current, oid));
        this.loaded.set(idxName, p);
        packs.push(p);
      }
      this.current = packs;
      return packs;
    })();
    return this.packs;
  }

  private async fromPacks(packs: readonly Pack[], oid: string): Promise<GitObject | null> {
    for (const p of packs) {
      const o = await p.read(oid);
      if (o) return o;
    }
    return null;
  }

  /** The object, or null when the repository does not have it (a shallow clone's boundary). */
  async read(oid: string): Promise<GitObject | null> {
    if (oid === EMPTY_TREE) return { type: 'tree', content: new Uint8Array(0) };
    const packed = await this.fromPacks(await this.loadPacks(), oid);
    if (packed) return packed;
    const loose = await this.files.read(`${this.gitdir}/objects/${oid.slice(0, 2)}/${oid.slice(2)}`);
    if (loose) {
      // Loose objects are re-hashed, as isomorphic-git does on read (RELIABILITY.md §A): a file
      // that does not hash to its name is damaged. Packs carry their own checksums.
      let raw: Uint8Array | undefined;
      const object = parseLooseObject(loose, (d, n) => {
        raw = this.inflate(d, n);
        return raw;
      });
      if (!raw || (await sha1(raw)) !== oid) throw new GitObjectError(`loose object ${oid} does not match its id`);
      return object;
    }
    // Perhaps packed since the list was read (a fetch or a gc moved it).
    this.refresh();
    return this.fromPacks(await this.loadPacks(), oid);
  }

  /** The content of an object that must be of `type` (a typed error when missing or of another type). */
  async readTyped(oid: string, type: GitObjectType): Promise<Uint8Array> {
    const o = await this.read(oid);
    if (!o) throw new GitObjectMissingError(oid);
    if (o.type !== type) throw new GitObjectError(`object ${oid} is a ${o.type}, not a ${type}`);
    return o.content;
  }

  async readCommit(oid: string): Promise<GitCommitInfo> {
    return parseCommit(oid, await this.readTyped(oid, 'commit'));
  }

  async readTree(oid: string): Promise<GitTreeEntry[]> {
    return parseTree(await this.readTyped(oid, 'tree'));
  }

  readBlob(oid: string): Promise<Uint8Array> {
    return this.readTyped(oid, 'blob');
  }

  /** The object an annotated tag (or a chain of them) points at; any other object is its own. */
  async peel(oid: string): Promise<{ oid: string; type: GitObjectType } | null> {
    let at = oid;
    for (let depth = 0; depth < 32; depth++) {
      const o = await this.read(at);
      if (!o) return null;
      if (o.type !== 'tag') return { oid: at, type: o.type };
      at = parseTagTarget(at, o.content).object;
    }
    throw new GitObjectError(`tag ${oid} points through too many tags`);
  }

  /** Every object id starting with `prefix` (4–40 lower-case hex digits), packed or loose, sorted. */
  async expandPrefix(prefix: string): Promise<string[]> {
    if (!/^[0-9a-f]{4,40}$/.test(prefix)) return [];
    this.refresh();
    const found = new Set<string>();
    for (const p of await this.loadPacks()) for (const oid of p.index.oidsWithPrefix(prefix)) found.add(oid);
    const dir = prefix.slice(0, 2);
    for (const name of await this.files.list(`${this.gitdir}/objects/${dir}`)) {
      const oid = dir + name;
      if (oid.length === 40 && oid.startsWith(prefix)) found.add(oid);
    }
    return [...found].sort();
  }
}
