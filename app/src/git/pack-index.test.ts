/**
 * The `.idx` the app builds for a received pack (core's indexPack with pack-inflate.ts) equals,
 * byte for byte, the one `git index-pack` writes for the same pack — on packs made by the real
 * git CLI with OFS and REF deltas, an empty blob, a binary file and an annotated tag. A damaged
 * pack is refused with a typed error. The same holds for a pack read by range through tiny windows
 * (as a clone reads the pack it stored in OPFS, never whole), and core's object reader over a
 * ranged pack reads every object as `git cat-file` prints it.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  blockCachedPackFile,
  createPackChecksum,
  deflatedBound,
  GitObjectError,
  GitObjectStore,
  indexPack,
  type PackBytesSync,
} from '@cairn/core/git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inflateZlib } from './object-files.ts';
import { inflateEntry } from './pack-inflate.ts';

let work = '';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', ...args], {
    cwd,
    maxBuffer: 256 * 1024 * 1024,
  });

/** A pack of every object in the repository, as `git pack-objects` writes it for a fetch. */
function packOf(repo: string, extra: string[] = []): Uint8Array {
  const objects = git(repo, 'rev-list', '--objects', '--all');
  return execFileSync('git', ['pack-objects', '--stdout', ...extra], { cwd: repo, input: objects });
}

/** The `.idx` git itself writes for `pack`. */
function gitIndex(pack: Uint8Array): Uint8Array {
  const file = path.join(work, `p-${crypto.randomUUID()}.pack`);
  fs.writeFileSync(file, pack);
  execFileSync('git', ['index-pack', file], { cwd: work });
  return fs.readFileSync(file.replace(/\.pack$/, '.idx'));
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-pack-index-'));
  const repo = path.join(work, 'repo');
  fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  // Thirty versions of a growing text file make delta chains; a random file does not delta.
  let text = '';
  for (let i = 0; i < 30; i++) {
    text += `line ${i}: ${'lorem ipsum dolor sit amet '.repeat(4)}\n`;
    fs.writeFileSync(path.join(repo, 'src', 'notes.md'), text);
    fs.writeFileSync(path.join(repo, 'src', `step-${i % 3}.py`), `print(${i})\n`);
    if (i === 0) {
      fs.writeFileSync(path.join(repo, 'empty.txt'), '');
      fs.writeFileSync(path.join(repo, 'random.bin'), crypto.randomBytes(200_000));
    }
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', `step ${i}`);
  }
  git(repo, 'tag', '-a', 'v1', '-m', 'first release');
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('indexing a received pack', () => {
  it('writes the same .idx as git index-pack, with OFS deltas', async () => {
    const pack = packOf(path.join(work, 'repo'), ['--delta-base-offset']);
    const ours = await indexPack(pack, inflateEntry);
    expect(ours.objects).toBeGreaterThan(90);
    expect(Buffer.from(ours.idx).equals(gitIndex(pack))).toBe(true);
    expect(ours.packHash).toBe(Buffer.from(pack.subarray(pack.length - 20)).toString('hex'));
  });

  it('checks a checksum computed while the pack arrived, as it checks its own', async () => {
    const pack = packOf(path.join(work, 'repo'), ['--delta-base-offset']);
    const arriving = await createPackChecksum();
    for (let at = 0; at < pack.length - 20; at += 7777)
      arriving.update(pack.subarray(at, Math.min(pack.length - 20, at + 7777)));
    const ours = await indexPack(pack, inflateEntry, undefined, arriving.digest());
    expect(Buffer.from(ours.idx).equals(gitIndex(pack))).toBe(true);
    await expect(indexPack(pack, inflateEntry, undefined, new Uint8Array(20))).rejects.toThrow(/checksum/);
  });

  it('writes the same .idx as git index-pack, with REF deltas', async () => {
    const pack = packOf(path.join(work, 'repo'));
    expect(Buffer.from(await indexPack(pack, inflateEntry).then((r) => r.idx)).equals(gitIndex(pack))).toBe(true);
  });

  it('refuses a damaged or truncated pack with a typed error', async () => {
    const pack = packOf(path.join(work, 'repo'), ['--delta-base-offset']);
    const damaged = Uint8Array.from(pack);
    const middle = Math.floor(pack.length / 2);
    damaged[middle] = (damaged[middle] as number) ^ 0xff;
    await expect(indexPack(damaged, inflateEntry)).rejects.toThrow(GitObjectError);
    await expect(indexPack(pack.subarray(0, pack.length - 100), inflateEntry)).rejects.toThrow(GitObjectError);
    await expect(indexPack(new TextEncoder().encode('not a pack at all, not at all'), inflateEntry)).rejects.toThrow(
      /not a pack/,
    );
  });
});

/** `pack` read by range, as a stored file is: copies, never views, and the longest read kept. */
function rangedSource(pack: Uint8Array): PackBytesSync & { longestRead: number; reads: number } {
  const source = {
    size: pack.length,
    longestRead: 0,
    reads: 0,
    read(at: number, length: number): Uint8Array {
      if (at < 0 || at + length > pack.length) throw new RangeError(`read ${at}+${length} is outside the pack`);
      source.longestRead = Math.max(source.longestRead, length);
      source.reads++;
      return pack.slice(at, at + length);
    },
  };
  return source;
}

describe('indexing a pack read by range', () => {
  for (const deltas of ['OFS', 'REF'] as const) {
    it(`writes the same .idx as git index-pack through windows of a few hundred bytes (${deltas} deltas)`, async () => {
      const pack = packOf(path.join(work, 'repo'), deltas === 'OFS' ? ['--delta-base-offset'] : []);
      const source = rangedSource(pack);
      const ours = await indexPack(source, inflateEntry, undefined, undefined, { sequential: 512, random: 128 });
      expect(Buffer.from(ours.idx).equals(gitIndex(pack))).toBe(true);
      expect(ours.packHash).toBe(Buffer.from(pack.subarray(pack.length - 20)).toString('hex'));
      // Never the whole pack at once: the longest read is one entry (the 200 kB random file) and its slack.
      expect(source.longestRead).toBeLessThanOrEqual(deflatedBound(200_000) + 32);
      expect(source.reads).toBeGreaterThan(10);
    });
  }

  it('refuses a damaged or truncated pack read by range with a typed error', async () => {
    const pack = packOf(path.join(work, 'repo'), ['--delta-base-offset']);
    const damaged = Uint8Array.from(pack);
    const middle = Math.floor(pack.length / 2);
    damaged[middle] = (damaged[middle] as number) ^ 0xff;
    await expect(indexPack(rangedSource(damaged), inflateEntry)).rejects.toThrow(GitObjectError);
    await expect(indexPack(rangedSource(pack.subarray(0, pack.length - 100)), inflateEntry)).rejects.toThrow(
      GitObjectError,
    );
  });
});

/** Every object of `repo` as `git cat-file --batch` prints it: id → type and content. */
function catFileBatch(repo: string): Map<string, { type: string; content: Buffer }> {
  const oids = git(repo, 'rev-list', '--objects', '--all')
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(0, 40));
  const out = execFileSync('git', ['cat-file', '--batch'], { cwd: repo, input: `${oids.join('\n')}\n` });
  const objects = new Map<string, { type: string; content: Buffer }>();
  for (let at = 0; at < out.length; ) {
    const eol = out.indexOf(10, at);
    const [oid, type, size] = out.subarray(at, eol).toString().split(' ') as [string, string, string];
    const content = out.subarray(eol + 1, eol + 1 + Number(size));
    objects.set(oid, { type, content });
    at = eol + 1 + Number(size) + 1;
  }
  return objects;
}

describe('reading objects from a pack read by range', () => {
  it('reads every object of a git-made pack as git cat-file prints it, through a small block cache', async () => {
    const repo = path.join(work, 'repo');
    for (const extra of [['--delta-base-offset'], []]) {
      const pack = packOf(repo, extra);
      const idx = await indexPack(pack, inflateEntry);
      const packPath = `/g/.git/objects/pack/pack-${idx.packHash}.pack`;
      let longestRead = 0;
      const files = {
        read: async (p: string) => (p.endsWith('.idx') ? idx.idx : null),
        list: async (p: string) => (p === '/g/.git/objects/pack' ? [`pack-${idx.packHash}.idx`] : []),
        openPack: async (p: string) =>
          p === packPath
            ? blockCachedPackFile(
                pack.length,
                async (at, length) => {
                  longestRead = Math.max(longestRead, length);
                  return pack.slice(at, at + length);
                },
                { blockBytes: 256, maxBlocks: 4 },
              )
            : null,
      };
      const ranged = new GitObjectStore(files, '/g/.git', inflateZlib);
      const whole = new GitObjectStore(
        { ...files, openPack: undefined, read: async (p) => (p === packPath ? pack : files.read(p)) },
        '/g/.git',
        inflateZlib,
      );
      const expected = catFileBatch(repo);
      expect(expected.size).toBeGreaterThan(90);
      for (const [oid, { type, content }] of expected) {
        const read = await ranged.read(oid);
        expect(read?.type).toBe(type);
        expect(Buffer.from(read?.content ?? []).equals(content)).toBe(true);
        expect(Buffer.from((await whole.read(oid))?.content ?? []).equals(content)).toBe(true);
      }
      expect(longestRead).toBeLessThanOrEqual(deflatedBound(200_000));
      // All at once, as the views read: reads in flight together share the pack's buffers.
      const fresh = new GitObjectStore(files, '/g/.git', inflateZlib);
      const all = [...expected];
      const read = await Promise.all(all.map(([oid]) => fresh.read(oid)));
      for (const [i, [, { type, content }]] of all.entries()) {
        expect(read[i]?.type).toBe(type);
        expect(Buffer.from(read[i]?.content ?? []).equals(content)).toBe(true);
      }
    }
  });

  it('the block cache returns the same bytes as the file for any range', async () => {
    const bytes = crypto.randomBytes(10_000);
    const file = blockCachedPackFile(bytes.length, async (at, length) => bytes.slice(at, at + length), {
      blockBytes: 100,
      maxBlocks: 3,
    });
    for (let k = 0; k < 2000; k++) {
      const at = crypto.randomInt(0, bytes.length);
      const length = crypto.randomInt(0, Math.min(bytes.length - at, 300) + 1);
      expect(Buffer.from(await file.read(at, length)).equals(bytes.subarray(at, at + length))).toBe(true);
    }
    await expect(file.read(bytes.length - 5, 10)).rejects.toThrow(RangeError);
  });
});
