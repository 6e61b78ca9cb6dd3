/**
 * Harness page of thumbnails.bench.ts: makes camera-sized JPEGs in the page, then turns them into
 * gallery thumbnails the app's way (gallery-thumbnails.ts: header read, decode-to-size and
 * encode in a worker, six at once) and the plain way a page would (an <img> decoding the full
 * image on the main thread, drawn onto a small canvas). Reports the wall time of each and the
 * longest gap between animation frames meanwhile: a gallery that scrolls must not freeze.
 */
import { thumbnailOf } from '../../app/src/files/gallery-thumbnails.ts';

declare global {
  interface Window {
    makeImages(count: number, width: number, height: number): Promise<number>;
    thumbnailsInWorker(): Promise<RunResult>;
    thumbnailsOnPage(): Promise<RunResult>;
  }
}

export interface RunResult {
  ms: number;
  longestFrameGapMs: number;
  /** Thumbnails made (all of them, or the run is void). */
  made: number;
}

let images: Blob[] = [];
let round = 0;

window.makeImages = async (count, width, height) => {
  images = [];
  for (let i = 0; i < count; i++) {
    const canvas = new OffscreenCanvas(width, height);
    const g = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    const gradient = g.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, `hsl(${(i * 37) % 360} 60% 40%)`);
    gradient.addColorStop(1, `hsl(${(i * 37 + 120) % 360} 60% 60%)`);
    g.fillStyle = gradient;
    g.fillRect(0, 0, width, height);
    // Noise so the JPEG is as heavy to decode as a photograph.
    const noise = g.getImageData(0, 0, width, height);
    let seed = i + 1;
    for (let p = 0; p < noise.data.length; p += 4) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const d = (seed >>> 24) - 128;
      noise.data[p] = (noise.data[p] as number) + d * 0.3;
      noise.data[p + 1] = (noise.data[p + 1] as number) + d * 0.3;
    }
    g.putImageData(noise, 0, 0);
    images.push(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }));
  }
  return images.reduce((n, b) => n + b.size, 0);
};

/** Runs `work` while counting the longest gap between animation frames. */
async function timed(work: () => Promise<number>): Promise<RunResult> {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const tick = (now: number) => {
    longest = Math.max(longest, now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const t0 = performance.now();
  const made = await work();
  const ms = performance.now() - t0;
  running = false;
  return { ms, longestFrameGapMs: longest, made };
}

window.thumbnailsInWorker = () =>
  timed(async () => {
    const r = round++;
    const signal = new AbortController().signal;
    // Keys unique per round: the in-memory cache must not answer.
    const thumbs = await Promise.all(
      images.map((image, i) => thumbnailOf(`bench/${r}/${i}`, `photo_${i}.jpg`, async () => image, signal)),
    );
    return thumbs.filter((t) => t.blob.size > 0 && t.width).length;
  });

window.thumbnailsOnPage = () =>
  timed(async () => {
    let made = 0;
    const one = async (image: Blob) => {
      const url = URL.createObjectURL(image);
      const img = new Image();
      img.src = url;
      await img.decode();
      const scale = Math.min(1, 280 / Math.max(img.naturalWidth, img.naturalHeight));
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(img.naturalWidth * scale);
      canvas.height = Math.round(img.naturalHeight * scale);
      canvas.getContext('2d')?.drawImage(img, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/webp', 0.85));
      URL.revokeObjectURL(url);
      if (blob?.size) made++;
    };
    // Six at once, as the gallery loads.
    for (let i = 0; i < images.length; i += 6) await Promise.all(images.slice(i, i + 6).map(one));
    return made;
  });
