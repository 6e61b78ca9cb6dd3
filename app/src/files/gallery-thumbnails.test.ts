import { describe, expect, it } from 'vitest';
import { keptThumbnail, thumbnailOf } from './gallery-thumbnails.ts';

// SVG thumbnails are the image itself (no worker), so the queue and the cache are seen alone.
const svg = (n: number) =>
  new Blob([`<svg xmlns="http://www.w3.org/2000/svg" width="${n}" height="${n * 2}"></svg>`], {
    type: 'image/svg+xml',
  });

describe('gallery thumbnails', () => {
  it('reads at most six images at once, and keeps each result for the next time', async () => {
    let reading = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const load = (n: number) => async () => {
      reading++;
      most = Math.max(most, reading);
      await new Promise<void>((r) => releases.push(r));
      reading--;
      return svg(n);
    };
    const signal = new AbortController().signal;
    const all = Array.from({ length: 10 }, (_, i) => thumbnailOf(`queue/${i}`, `s${i}.svg`, load(i + 1), signal));
    let settled = false;
    const finished = Promise.all(all).finally(() => {
      settled = true;
    });
    // Let every read that started finish, round after round, until all ten are made.
    while (!settled) {
      await new Promise((r) => setTimeout(r, 1));
      for (const release of releases.splice(0)) release();
    }
    const thumbs = await finished;
    expect(most).toBe(6);
    expect(thumbs.map((t) => [t.width, t.height])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, (i + 1) * 2]));
    expect(keptThumbnail('queue/3')).toBe(thumbs[3]);
    let again = 0;
    await thumbnailOf(
      'queue/3',
      's3.svg',
      async () => {
        again++;
        return svg(4);
      },
      signal,
    );
    expect(again).toBe(0);
  });

  it('never reads an image whose tile left the view while it waited its turn', async () => {
    const blockers: (() => void)[] = [];
    const signal = new AbortController().signal;
    const busy = Array.from({ length: 6 }, (_, i) =>
      thumbnailOf(`busy/${i}`, 'b.svg', () => new Promise<Blob>((r) => blockers.push(() => r(svg(1)))), signal),
    );
    const gone = new AbortController();
    let read = false;
    const waiting = thumbnailOf(
      'gone',
      'g.svg',
      async () => {
        read = true;
        return svg(1);
      },
      gone.signal,
    );
    gone.abort(new Error('scrolled away'));
    while (blockers.length < 6) await new Promise((r) => setTimeout(r, 1));
    for (const b of blockers) b();
    await Promise.all(busy);
    await expect(waiting).rejects.toThrow('scrolled away');
    expect(read).toBe(false);
    expect(keptThumbnail('gone')).toBeUndefined();
  });
});
