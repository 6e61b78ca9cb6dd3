/**
 * The local DVC cache (`.dvc/cache`): content-addressed objects at DVC 3's `files/md5/ab/cdef…`
 * or DVC 2's `ab/cdef…`, decided per entry. Objects are written atomically and made read-only,
 * as DVC does; an object's name is its hash, so a present object is a complete one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type CacheLayout, type DirEntry, objectPath, parseDirManifest } from '@cairn/core';
import { copyFileAtomic, writeFileAtomic } from './atomic-write.ts';
import { CliError } from './cli-error.ts';

export class LocalCache {
  private readonly madeDirs = new Set<string>();

  constructor(readonly root: string) {}

  path(oid: string, layout: CacheLayout): string {
    return path.join(this.root, ...objectPath(oid, layout).split('/'));
  }

  has(oid: string, layout: CacheLayout): boolean {
    return fs.existsSync(this.path(oid, layout));
  }

  /** Makes the object's folder; returns the object's path. */
  prepare(oid: string, layout: CacheLayout): string {
    const p = this.path(oid, layout);
    const dir = path.dirname(p);
    if (!this.madeDirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    return p;
  }

  putBytes(oid: string, layout: CacheLayout, bytes: Uint8Array): void {
    if (this.has(oid, layout)) return;
    writeFileAtomic(this.prepare(oid, layout), bytes, { mode: 0o444 });
  }

  putFile(oid: string, layout: CacheLayout, src: string): void {
    if (this.has(oid, layout)) return;
    copyFileAtomic(src, this.prepare(oid, layout), { mode: 0o444 });
  }

  /** The entries of a `.dir` object, or undefined when the cache does not hold it. */
  readManifest(oid: string, layout: CacheLayout): DirEntry[] | undefined {
    const p = this.path(oid, layout);
    if (!fs.existsSync(p)) return undefined;
    const parsed = parseDirManifest(fs.readFileSync(p, 'utf8'), p);
    if (!parsed.ok) throw new CliError('bad_file', `corrupted cache object ${oid}: ${parsed.error.message}`);
    return parsed.value;
  }
}
