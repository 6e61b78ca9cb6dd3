/**
 * Core's inflater (inflateZlibInto, what the app reads small pack objects with) held equal to
 * zlib (node:zlib) on every entry of real packs the git CLI wrote: commits, trees and blobs,
 * whole and as OFS deltas after `git gc --aggressive`, text that changes a little each commit,
 * incompressible noise (stored blocks) and a 100 KB CSV.
 */
import { execFileSync } from 'node:child_process';
import nodeFs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { inflateZlibInto } from '@cairn/core/git';
import { afterAll, describe, expect, it } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const d of made) nodeFs.rmSync(d, { recursive: true, force: true });
});

describe('inflateZlibInto on real packs', () => {
  it('inflates every entry of packs the git CLI wrote as zlib does', () => {
    const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'cairn-inflate-'));
    made.push(dir);
    const git = (args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
        maxBuffer: 1 << 26,
      });
    git(['init', '-q', '-b', 'main']);
    git(['config', 'user.name', 'T']);
    git(['config', 'user.email', 't@example.org']);
    // Text that changes a little each commit (deltas), noise (stored blocks) and a large file.
    let seed = 7;
    const noise = (n: number) =>
      Buffer.from(
        Array.from({ length: n }, () => {
          seed = (seed * 1103515245 + 12345) >>> 0;
          return seed >>> 24;
        }),
      );
    for (let c = 0; c < 12; c++) {
      for (let f = 0; f < 8; f++) {
        nodeFs.mkdirSync(path.join(dir, `d${f % 3}`), { recursive: true });
        nodeFs.writeFileSync(
          path.join(dir, `d${f % 3}`, `f${f}.txt`),
          `# file ${f}\n${'line\n'.repeat(f * 40)}v = ${c * f}\n`,
        );
      }
      nodeFs.writeFileSync(path.join(dir, 'noise.bin'), noise(300 + c));
      nodeFs.writeFileSync(
        path.join(dir, 'big.csv'),
        `${Array.from({ length: 4000 }, (_, i) => `${i},${i * c},x${i % 7}`).join('\n')}\n`,
      );
      git(['add', '-A']);
      git(['commit', '-q', '-m', `commit ${c}`]);
    }
    git(['gc', '-q', '--aggressive']);
    const packDir = path.join(dir, '.git/objects/pack');
    const idx = nodeFs.readdirSync(packDir).find((n) => n.endsWith('.idx')) as string;
    const pack = new Uint8Array(nodeFs.readFileSync(path.join(packDir, idx.replace(/\.idx$/, '.pack'))));
    // verify-pack: "<oid> <type> <size> <size in pack> <offset> …", the entries in pack order.
    const entries = git(['verify-pack', '-v', path.join(packDir, idx)])
      .split('\n')
      .map((l) => /^[0-9a-f]{40} \w+ +\d+ (\d+) (\d+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ inPack: Number(m[1]), offset: Number(m[2]) }));
    expect(entries.length).toBeGreaterThan(100);
    for (const { inPack, offset } of entries) {
      // The entry header: type and inflated size, then an OFS_DELTA's offset or a REF_DELTA's id.
      let i = offset;
      let byte = pack[i++] as number;
      const kind = (byte >> 4) & 7;
      let size = byte & 15;
      for (let shift = 4; byte & 0x80; shift += 7) {
        byte = pack[i++] as number;
        size += (byte & 0x7f) * 2 ** shift;
      }
      if (kind === 6) while ((pack[i++] as number) & 0x80);
      if (kind === 7) i += 20;
      const stream = pack.subarray(i, offset + inPack);
      const want = zlib.inflateSync(stream);
      expect(want.length).toBe(size);
      const got = inflateZlibInto(pack.subarray(i), new Uint8Array(size));
      expect(Buffer.from(got).equals(want)).toBe(true);
    }
  });
});
