import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildDemoHistory } from './history.ts';
import { encodeGrayPng } from './png.ts';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

describe('the demo history', () => {
  it('is the same, byte for byte, every time it is generated', async () => {
    const a = await buildDemoHistory('http://127.0.0.1:8787/demo/segmentation.dvc');
    const b = await buildDemoHistory('http://127.0.0.1:8787/demo/segmentation.dvc');
    expect(a.commits.map((c) => [c.message, c.date])).toEqual(b.commits.map((c) => [c.message, c.date]));
    for (let i = 0; i < a.commits.length; i++) {
      const fa = a.commits[i]!.files;
      const fb = b.commits[i]!.files;
      expect([...fa.keys()]).toEqual([...fb.keys()]);
      for (const [k, v] of fa) expect(md5(v), k).toBe(md5(fb.get(k)!));
    }
    expect([...a.objects.keys()].sort()).toEqual([...b.objects.keys()].sort());
  });

  it('names every object by the MD5 of its bytes', async () => {
    const h = await buildDemoHistory('http://x/demo/segmentation.dvc');
    expect(h.commits.length).toBeGreaterThanOrEqual(6);
    for (const [oid, bytes] of h.objects) expect(md5(bytes)).toBe(oid.replace(/\.dir$/, ''));
  });
});

describe('encodeGrayPng', () => {
  it('writes a PNG whose pixels read back', () => {
    const pixels = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const png = encodeGrayPng(4, 3, pixels);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([4, 3]);
    const idatLength = view.getUint32(33);
    expect(String.fromCharCode(...png.subarray(37, 41))).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect([...raw]).toEqual([0, 0, 20, 40, 60, 0, 80, 100, 120, 140, 0, 160, 180, 200, 220]);
  });
});
