/**
 * The `.idx` the app builds for a received pack (core's indexPack with pack-inflate.ts) equals,
 * byte for byte, the one `git index-pack` writes for the same pack — on packs made by the real
 * git CLI with OFS and REF deltas, an empty blob, a binary file and an annotated tag. A damaged
 * pack is refused with a typed error.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPackChecksum, GitObjectError, indexPack } from '@cairn/core/git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
