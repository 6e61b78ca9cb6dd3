/**
 * Thumbnails for the gallery: the image's bytes are read (from git, or from the data cache —
 * fetched from the DVC remote first when not on this device, and kept there as every opened
 * file is) and scaled down in a worker (thumbnail.worker.ts). A few load at once so the tiles in
 * view come first; small results are kept in memory so scrolling back costs nothing, while the
 * object URLs shown are made per tile and revoked when the tile leaves the view.
 */

import { IMAGE_HEADER_BYTES, imageInfo, imageMime } from '../viewers/image-info.ts';
import { extensionOf } from '../viewers/pick-viewer.ts';
import type { ThumbnailRequest, ThumbnailResponse } from '../viewers/thumbnail-protocol.ts';
import { workerCalls } from '../workers/worker-calls.ts';

export interface Thumbnail {
  blob: Blob;
  /** The full image's size, when known. */
  width: number | null;
  height: number | null;
}

/** Longest side of a thumbnail in device pixels: sharp on a 2× screen at the tile's 140 px. */
export const THUMBNAIL_SIZE = 280;
/** Thumbnails kept in memory (a few kB each). */
const KEEP = 2000;
/** Images read and decoded at once: the six requests a browser makes to one server at a time. */
const AT_ONCE = 6;

let nextId = 1;
const decode = workerCalls<ThumbnailRequest, ThumbnailResponse>(
  () =>
    new Worker(new URL('../viewers/thumbnail.worker.ts', import.meta.url), {
      type: 'module',
      name: 'cairn-thumbnails',
    }),
  (id, message) => ({ id, ok: false, message }),
);

const kept = new Map<string, Thumbnail>();
let running = 0;
const queue: (() => void)[] = [];

/** Waits for a free slot; the returned function frees it. */
function slot(signal: AbortSignal): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const start = () => {
      if (signal.aborted) {
        reject(signal.reason);
        next();
        return;
      }
      running++;
      let freed = false;
      resolve(() => {
        if (freed) return;
        freed = true;
        running--;
        next();
      });
    };
    if (running < AT_ONCE) start();
    else queue.push(start);
  });
}

function next(): void {
  if (running < AT_ONCE) queue.shift()?.();
}

/** The thumbnail kept for `key`, if any (no work). */
export function keptThumbnail(key: string): Thumbnail | undefined {
  return kept.get(key);
}

/**
 * The thumbnail of one image.
 * @param key what identifies the bytes (an object id), so equal images are decoded once
 * @param load reads the image's bytes (may fetch them); called only once a slot is free
 * @throws the signal's reason when the tile left the view before its turn, or load's error
 */
export async function thumbnailOf(
  key: string,
  name: string,
  load: (signal: AbortSignal) => Promise<Blob>,
  signal: AbortSignal,
): Promise<Thumbnail> {
  const had = kept.get(key);
  if (had) return had;
  const release = await slot(signal);
  try {
    const bytes = await load(signal);
    const ext = extensionOf(name);
    const image = new Blob([bytes], { type: imageMime(ext) });
    let thumb: Thumbnail;
    if (ext === 'svg') {
      // Workers cannot decode SVG; it is small and scales by itself.
      const info = imageInfo(new Uint8Array(await image.slice(0, IMAGE_HEADER_BYTES).arrayBuffer()));
      thumb = { blob: image, width: info?.width ?? null, height: info?.height ?? null };
    } else {
      const reply = await decode({ id: nextId++, image, size: THUMBNAIL_SIZE });
      // A format the worker cannot decode may still show in an <img>: let the page try.
      thumb = reply.ok
        ? { blob: reply.thumbnail, width: reply.width, height: reply.height }
        : { blob: image, width: null, height: null };
    }
    kept.set(key, thumb);
    if (kept.size > KEEP) kept.delete(kept.keys().next().value as string);
    return thumb;
  } finally {
    release();
  }
}
