/**
 * A pack indexed as it arrives (core's PackStreamIndexer with pack-inflate.ts's pako stream
 * inflater) gets, byte for byte, the `.idx` that `git index-pack` writes for it — on packs the
 * real git CLI makes (OFS and REF deltas, an aggressively gc'd pack with long delta chains,
 * and one written without compression as the clone benchmark's is), whatever pieces the bytes
 * come in. A pack cut short, damaged, or followed by more bytes is refused with a typed error.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPackStreamChecksum, GitObjectError, type PackBytesSync, PackStreamIndexer } from '@cairn/core/git';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PakoStreamInflater } from './pack-inflate.ts';

let work = '';
let repo = '';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', ...args], {
    cwd,
    maxBuffer: 256 * 1024 * 1024,
  });

/** A pack of every object in the repository, as `git pack-objects` writes it for a fetch. */
function packOf(dir: string, extra: string[] = [], config: string[] = []): Uint8Array {
  const objects = git(dir, 'rev-list', '--objects', '--all');
  return execFileSync('git', [...config, 'pack-objects', '--stdout', ...extra], { cwd: dir, input: objects });
}

/** The `.idx` git itself writes for `pack`. */
function gitIndex(pack: Uint8Array): Buffer {
  const file = path.join(work, `p-${crypto.randomUUID()}.pack`);
  fs.writeFileSync(file, pack);
  execFileSync('git', ['index-pack', file], { cwd: work });
  return fs.readFileSync(file.replace(/\.pack$/, '.idx'));
}

/** `pack` read back by range, as the stored file is: copies, never views. */
function stored(pack: Uint8Array): PackBytesSync {
  return {
    size: pack.length,
    read(at, length) {
      if (at < 0 || at + length > pack.length) throw new RangeError(`read ${at}+${length} is outside the pack`);
      return pack.slice(at, at + length);
    },
  };
}

/** Indexes `pack` pushed in the pieces cut at `cuts` (each piece copied into one reused buffer, as a receive loop does). */
async function indexInPieces(pack: Uint8Array, cuts: number[]): Promise<{ idx: Uint8Array; packHash: string }> {
  const indexer = await PackStreamIndexer.create(new PakoStreamInflater());
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < pack.length).sort((a, b) => a - b), pack.length];
  const reused = new Uint8Array(pack.length);
  for (let k = 0; k + 1 < bounds.length; k++) {
    const piece = reused.subarray(0, (bounds[k + 1] as number) - (bounds[k] as number));
    piece.set(pack.subarray(bounds[k], bounds[k + 1]));
    indexer.push(piece);
    piece.fill(0xee); // the indexer must not keep a view of what it was given
  }
  return indexer.finish(stored(pack), { windowBytes: 128 });
}

const everyCut = (pack: Uint8Array, step: number) =>
  Array.from({ length: Math.ceil(pack.length / step) }, (_, k) => k * step);

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-pack-stream-index-'));
  repo = path.join(work, 'repo');
  fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  // Forty versions of a growing text file make delta chains; a random file does not delta.
  let text = '';
  for (let i = 0; i < 40; i++) {
    text += `line ${i}: ${'lorem ipsum dolor sit amet '.repeat(4)}\n`;
    fs.writeFileSync(path.join(repo, 'src', 'notes.md'), text);
    fs.writeFileSync(path.join(repo, 'src', `step-${i % 3}.py`), `print(${i})\n`);
    if (i === 0) {
      fs.writeFileSync(path.join(repo, 'empty.txt'), '');
      fs.writeFileSync(path.join(repo, 'random.bin'), crypto.randomBytes(300_000));
    }
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', `step ${i}`);
  }
  git(repo, 'tag', '-a', 'v1', '-m', 'first release');
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('indexing a pack as it arrives', () => {
  it('writes the same .idx as git index-pack, with OFS deltas, in one piece and in pieces of 1, 7 and 4096 bytes', async () => {
    const pack = packOf(repo, ['--delta-base-offset']);
    const expected = gitIndex(pack);
    for (const step of [pack.length, 1, 7, 4096]) {
      const ours = await indexInPieces(pack, everyCut(pack, step));
      expect(Buffer.from(ours.idx).equals(expected)).toBe(true);
      expect(ours.packHash).toBe(Buffer.from(pack.subarray(pack.length - 20)).toString('hex'));
    }
  });

  it('writes the same .idx as git index-pack, with REF deltas', async () => {
    const pack = packOf(repo);
    expect(Buffer.from((await indexInPieces(pack, everyCut(pack, 1000))).idx).equals(gitIndex(pack))).toBe(true);
  });

  it('writes the same .idx as git index-pack for a pack of `git gc --aggressive` (long delta chains)', async () => {
    const copy = path.join(work, 'gc');
    git(work, 'clone', '-q', '--no-local', repo, copy);
    git(copy, 'gc', '-q', '--aggressive', '--prune=now');
    const packDir = path.join(copy, '.git', 'objects', 'pack');
    const name = fs.readdirSync(packDir).find((f) => f.endsWith('.pack')) as string;
    const pack = fs.readFileSync(path.join(packDir, name));
    const ours = await indexInPieces(pack, everyCut(pack, 333));
    expect(Buffer.from(ours.idx).equals(fs.readFileSync(path.join(packDir, name.replace(/\.pack$/, '.idx'))))).toBe(
      true,
    );
    expect(`pack-${ours.packHash}.pack`).toBe(name);
  });

  it('writes the same .idx as git index-pack for a pack stored without compression (stored zlib blocks)', async () => {
    const pack = packOf(repo, ['--delta-base-offset'], ['-c', 'pack.compression=0']);
    expect(Buffer.from((await indexInPieces(pack, everyCut(pack, 65_536))).idx).equals(gitIndex(pack))).toBe(true);
  });

  it('gives the same index for any split of the stream', async () => {
    const pack = packOf(repo, ['--delta-base-offset']);
    const expected = gitIndex(pack);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: pack.length - 1 }), { maxLength: 60 }), async (cuts) => {
        expect(Buffer.from((await indexInPieces(pack, cuts)).idx).equals(expected)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a pack cut short, wherever it is cut, with a typed error', async () => {
    const pack = packOf(repo, ['--delta-base-offset']);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: pack.length - 1 }), async (length) => {
        const cut = pack.subarray(0, length);
        const error = await indexInPieces(cut, everyCut(cut, 5000)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GitObjectError);
        expect((error as GitObjectError).code).toBe('git_object');
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a damaged pack, wherever the damage is, with a typed error', async () => {
    const pack = packOf(repo, ['--delta-base-offset']);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: pack.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, flip) => {
          const damaged = Uint8Array.from(pack);
          damaged[at] = (damaged[at] as number) ^ flip;
          const error = await indexInPieces(damaged, everyCut(damaged, 3000)).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(GitObjectError);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses bytes after the trailer and bytes that are not a pack', async () => {
    const pack = packOf(repo, ['--delta-base-offset']);
    const longer = new Uint8Array(pack.length + 1);
    longer.set(pack);
    await expect(indexInPieces(longer, [])).rejects.toThrow(/after its trailer/);
    await expect(indexInPieces(new TextEncoder().encode('not a pack at all, not at all'), [])).rejects.toThrow(
      /not a pack/,
    );
    await expect(indexInPieces(new Uint8Array(0), [])).rejects.toThrow(GitObjectError);
  });

  it('takes the checksum given when it is taken elsewhere (by the writer), for any split of the stream', async () => {
    const pack = packOf(repo, ['--delta-base-offset']);
    const expected = gitIndex(pack);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: pack.length - 1 }), { maxLength: 40 }), async (cuts) => {
        const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), pack.length];
        const indexer = await PackStreamIndexer.create(new PakoStreamInflater(), { checksumElsewhere: true });
        const writer = await createPackStreamChecksum();
        for (let k = 0; k + 1 < bounds.length; k++) {
          const piece = pack.subarray(bounds[k], bounds[k + 1]);
          indexer.push(piece);
          writer.update(piece);
        }
        const { idx } = await indexer.finish(stored(pack), { checksum: writer.digest() });
        expect(Buffer.from(idx).equals(expected)).toBe(true);
      }),
      { numRuns: 30 },
    );
    const indexer = await PackStreamIndexer.create(new PakoStreamInflater(), { checksumElsewhere: true });
    indexer.push(pack);
    await expect(indexer.finish(stored(pack), { checksum: new Uint8Array(20) })).rejects.toThrow(/checksum/);
    const forgotten = await PackStreamIndexer.create(new PakoStreamInflater(), { checksumElsewhere: true });
    forgotten.push(pack);
    await expect(forgotten.finish(stored(pack))).rejects.toThrow(GitObjectError);
  });
});
