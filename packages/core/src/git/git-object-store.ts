/**
 * A repository's object database (`<gitdir>/objects`): its packs, indexes loaded once and kept,
 * then loose objects. Packs are found again when an object is missing (a fetch adds packs), so
 * one store serves a repository for as long as the worker lives. Packs the files offer by range
 * (`openPack`: a large clone's, in OPFS) are read asynchronously (RangedPack); packs in memory
 * synchronously (Pack), so the fast paths below answer for those and defer the rest to `read`.
 *
 *   const store = new GitObjectStore(files, '/repo/.git', inflate);
 *   const commit = await store.readCommit(oid);   // GitCommitInfo, minimal parse
 */

import { sha1 } from 'hash-wasm';
import {
  bytesToHex,
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
import { RangedPack } from './ranged-pack.ts';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * Thrown through a pack in memory whose REF_DELTA base lies in a pack read by range (a thin pack
 * a later fetch added on top of a large clone's): `read` fetches the base and tries again; the
 * synchronous paths answer "not yet" (undefined).
 */
/** Ranged-pack bases fetched for one read at most (a chain of thin deltas across packs). */
const MAX_DELTA_HOPS = 64;

class BaseInRangedPack extends Error {
  constructor(readonly oid: string) {
    super(`delta base ${oid} is in a pack read by range`);
  }
}

export class GitObjectStore {
  private packs: Promise<Pack[]> | null = null;
  /** The packs once listed and loaded (null until then, and after a refresh): read without awaiting. */
  private ready: Pack[] | null = null;
  /** Packs read so far by index file name: a pack never changes, so a refresh keeps them. */
  private readonly loaded = new Map<string, Pack | RangedPack>();
  /** The latest pack list, where a thin pack's REF_DELTA bases are looked up. */
  private current: Pack[] = [];
  /** Packs read by range, from the latest list (read after the ones in memory). */
  private ranged: RangedPack[] = [];
  /** Delta bases fetched from ranged packs for packs in memory (BaseInRangedPack): a few, kept briefly. */
  private readonly fetchedBases = new Map<string, GitObject>();

  constructor(
    private readonly files: GitObjectFiles,
    private readonly gitdir: string,
    private readonly inflate: Inflate,
  ) {}

  /** Lists the pack folder again on the next read, so packs written since are found (a fetch, a gc). */
  refresh(): void {
    this.packs = null;
    this.ready = null;
  }

  /**
   * Starts opening the storage (lists the packs, reads their indexes and opens them) without
   * waiting for a read to ask: a reader made when a repository opens overlaps that with the
   * first view's ref reads. A failure here is met again by the first read, which reports it.
   */
  open(): void {
    this.loadPacks().catch(() => {});
  }

  private loadPacks(): Promise<Pack[]> {
    if (this.packs) return this.packs;
    const loading = this.listPacks();
    this.packs = loading;
    // Not when a refresh came meanwhile (its list may be older than the folder now).
    loading.then(
      (packs) => {
        if (this.packs === loading) this.ready = packs;
      },
      () => {
        // Failed (a storage hiccup): the next read lists again rather than meet this failure forever.
        if (this.packs === loading) this.packs = null;
      },
    );
    return loading;
  }

  private async listPacks(): Promise<Pack[]> {
    const dir = `${this.gitdir}/objects/pack`;
    const names = (await this.files.list(dir)).filter((n) => n.endsWith('.idx')).sort();
    const packs: Pack[] = [];
    const ranged: RangedPack[] = [];
    for (const gone of [...this.loaded.keys()].filter((n) => !names.includes(n))) this.loaded.delete(gone);
    for (const idxName of names) {
      const known = this.loaded.get(idxName);
      if (known) {
        if (known instanceof Pack) packs.push(known);
        else ranged.push(known);
        continue;
      }
      const packPath = `${dir}/${idxName.slice(0, -4)}.pack`;
      const [idx, pack] = await Promise.all([
        this.files.read(`${dir}/${idxName}`),
        this.files.openPack ? this.files.openPack(packPath) : this.files.read(packPath),
      ]);
      if (!idx || !pack) continue; // an index whose pack is still being written
      const p =
        pack instanceof Uint8Array
          ? new Pack(new PackIndex(idx), pack, this.inflate, (oid) => this.externalBase(oid))
          : new RangedPack(new PackIndex(idx), pack, this.inflate, (oid) => this.read(oid));
      this.loaded.set(idxName, p);
      if (p instanceof Pack) packs.push(p);
      else ranged.push(p);
    }
    this.ranged = ranged;
    this.current = packs;
    return packs;
  }

  /** A thin pack's REF_DELTA base, from the packs in memory (or fetched from a ranged one already). */
  private externalBase(oid: string): GitObject | null {
    const fetched = this.fetchedBases.get(oid);
    if (fetched) return fetched;
    const found = this.fromPacks(this.current, oid);
    if (found) return found;
    if (this.ranged.some((r) => r.index.offsetOf(oid) >= 0)) throw new BaseInRangedPack(oid);
    return null;
  }

  /** fromPacks, fetching delta bases that lie in ranged packs as they are met. */
  private async fromPacksFetchingBases(packs: readonly Pack[], oid: string): Promise<GitObject | null> {
    for (let tries = 0; ; tries++) {
      try {
        return this.fromPacks(packs, oid);
      } catch (error) {
        if (!(error instanceof BaseInRangedPack) || tries >= MAX_DELTA_HOPS) throw error;
        const base = await this.fromRanged(error.oid);
        if (!base) throw new GitObjectError(`delta base ${error.oid} is missing`);
        if (this.fetchedBases.size >= 64) this.fetchedBases.clear();
        this.fetchedBases.set(error.oid, base);
      }
    }
  }

  private async fromRanged(oid: string): Promise<GitObject | null> {
    for (const p of this.ranged) {
      const o = await p.read(oid);
      if (o) return o;
    }
    return null;
  }

  private fromPacks(packs: readonly Pack[], oid: string): GitObject | null {
    for (const p of packs) {
      const o = p.read(oid);
      if (o) return o;
    }
    return null;
  }

  /** The object, or null when the repository does not have it (a shallow clone's boundary). */
  async read(oid: string): Promise<GitObject | null> {
    if (oid === EMPTY_TREE) return { type: 'tree', content: new Uint8Array(0) };
    const packed = (await this.fromPacksFetchingBases(await this.loadPacks(), oid)) ?? (await this.fromRanged(oid));
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
    return (await this.fromPacksFetchingBases(await this.loadPacks(), oid)) ?? (await this.fromRanged(oid));
  }

  /**
   * The content of a packed object of `type`, read without awaiting anything; undefined when that
   * cannot be said yet (packs not listed, or the object is loose or missing): ask readTyped then.
   */
  readPackedTyped(oid: string, type: GitObjectType): Uint8Array | undefined {
    if (!this.ready) return undefined;
    let o: GitObject | null;
    try {
      o = oid === EMPTY_TREE ? { type: 'tree' as const, content: new Uint8Array(0) } : this.fromPacks(this.ready, oid);
    } catch (error) {
      if (error instanceof BaseInRangedPack) return undefined;
      throw error;
    }
    if (!o) return undefined;
    if (o.type !== type) throw new GitObjectError(`object ${oid} is a ${o.type}, not a ${type}`);
    return o.content;
  }

  /**
   * readPackedTyped for the 20-byte id at `ids[at]` (a tree entry's), without making it a string:
   * undefined when packs are not listed yet or none holds it.
   */
  readPackedTypedId(ids: Uint8Array, at: number, type: GitObjectType): Uint8Array | undefined {
    if (!this.ready) return undefined;
    for (const p of this.ready) {
      let o: GitObject | null;
      try {
        o = p.readId(ids, at);
      } catch (error) {
        if (error instanceof BaseInRangedPack) return undefined;
        throw error;
      }
      if (!o) continue;
      if (o.type !== type) {
        throw new GitObjectError(`object ${bytesToHex(ids, at, at + 20)} is a ${o.type}, not a ${type}`);
      }
      return o.content;
    }
    return undefined;
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
    for (const p of [...(await this.loadPacks()), ...this.ranged]) {
      for (const oid of p.index.oidsWithPrefix(prefix)) found.add(oid);
    }
    const dir = prefix.slice(0, 2);
    for (const name of await this.files.list(`${this.gitdir}/objects/${dir}`)) {
      const oid = dir + name;
      if (oid.length === 40 && oid.startsWith(prefix)) found.add(oid);
    }
    return [...found].sort();
  }
}
