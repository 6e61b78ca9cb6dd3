/**
 * Which folders are image folders (worth a gallery) and where an image sits among its
 * siblings (the viewer's previous/next). Pure, on the browser's listing entries, whether they
 * come from git or from a DVC `.dir` manifest.
 */
import { extensionOf, isImageExtension } from '../viewers/pick-viewer.ts';

interface Named {
  name: string;
  path: string;
  type: 'folder' | 'file' | 'submodule';
}

export function isImageName(name: string): boolean {
  return isImageExtension(extensionOf(name));
}

/**
 * True when most of a folder's files are images: at least two, and at least 60 % of its files
 * (subfolders such as `masks/` do not count against it; a README or a labels.csv beside the
 * images is fine).
 * @example mostlyImages([{ name: 'a.png', … }, { name: 'b.png', … }, { name: 'labels.csv', … }]) // true
 */
export function mostlyImages(entries: readonly Named[]): boolean {
  let files = 0;
  let images = 0;
  for (const e of entries) {
    if (e.type !== 'file') continue;
    files++;
    if (isImageName(e.name)) images++;
  }
  return images >= 2 && images >= files * 0.6;
}

/** The images of a listing, in listing order. */
export function imagesOf<T extends Named>(entries: readonly T[]): T[] {
  return entries.filter((e) => e.type === 'file' && isImageName(e.name));
}

export interface ImagePosition {
  /** 1-based, as "3 of 32" reads. */
  index: number;
  total: number;
  previous: string | null;
  next: string | null;
}

/** Where `path` is among the images of its folder's listing; null when it is not one of them. */
export function imagePosition(entries: readonly Named[], path: string): ImagePosition | null {
  const images = imagesOf(entries);
  const at = images.findIndex((e) => e.path === path);
  if (at < 0) return null;
  return {
    index: at + 1,
    total: images.length,
    previous: images[at - 1]?.path ?? null,
    next: images[at + 1]?.path ?? null,
  };
}
