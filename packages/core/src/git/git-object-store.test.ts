import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GitObjectStore } from './git-object-store.ts';
import { GitObjectError, type GitObjectFiles, GitObjectMissingError } from './git-objects.ts';

const inflate = (d: Uint8Array) => new Uint8Array(inflateSync(d));
const enc = new TextEncoder();

/** A git dir holding loose objects only: path → bytes. */
function filesOf(files: Map<string, Uint8Array>): GitObjectFiles {
  return {
    read: async (p) => files.get(p) ?? null,
    list: async (p) => [...files.keys()].filter((k) => k.startsWith(`${p}/`)).map((k) => k.slice(p.length + 1)),
  };
}

function loose(content: string): { oid: string; bytes: Uint8Array } {
  const raw = enc.encode(`blob ${enc.encode(content).length}\0${content}`);
  return { oid: createHash('sha1').update(raw).digest('hex'), bytes: new Uint8Array(deflateSync(raw)) };
}

describe('loose objects', () => {
  it('reads a loose blob, refuses one that does not hash to its name, and names a missing one', async () => {
    const good = loose('hello\n');
    const other = loose('tampered\n');
    const bad = 'b'.repeat(40);
    const files = new Map([
      [`/r/.git/objects/${good.oid.slice(0, 2)}/${good.oid.slice(2)}`, good.bytes],
      [`/r/.git/objects/bb/${bad.slice(2)}`, other.bytes],
    ]);
    const store = new GitObjectStore(filesOf(files), '/r/.git', inflate);
    expect(new TextDecoder().decode(await store.readBlob(good.oid))).toBe('hello\n');
    await expect(store.readBlob(bad)).rejects.toBeInstanceOf(GitObjectError);
    await expect(store.readBlob('c'.repeat(40))).rejects.toBeInstanceOf(GitObjectMissingError);
    expect(await store.expandPrefix(good.oid.slice(0, 6))).toEqual([good.oid]);
  });
});

describe('opening the storage', () => {
  it('open() lists the packs before any read asks, once; a failed listing is tried again by the next read', async () => {
    const obj = loose('opened early\n');
    const files = new Map([[`/r/.git/objects/${obj.oid.slice(0, 2)}/${obj.oid.slice(2)}`, obj.bytes]]);
    const inner = filesOf(files);
    const listed: string[] = [];
    let failNext = false;
    const counting: GitObjectFiles = {
      read: inner.read,
      async list(p) {
        listed.push(p);
        if (failNext) {
          failNext = false;
          throw new Error('storage hiccup');
        }
        return inner.list(p);
      },
    };
    const store = new GitObjectStore(counting, '/r/.git', inflate);
    store.open();
    expect(listed).toEqual(['/r/.git/objects/pack']);
    await store.readBlob(obj.oid);
    expect(listed).toEqual(['/r/.git/objects/pack']);

    const flaky = new GitObjectStore(counting, '/r/.git', inflate);
    failNext = true;
    await expect(flaky.readBlob(obj.oid)).rejects.toThrow('storage hiccup');
    expect(new TextDecoder().decode(await flaky.readBlob(obj.oid))).toBe('opened early\n');
  });
});
