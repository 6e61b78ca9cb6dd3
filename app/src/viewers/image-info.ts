/**
 * An image's format and pixel size read from its first bytes (image-size: PNG IHDR, JPEG SOF,
 * GIF, WebP, BMP, SVG attributes…), without decoding it, so a thumbnail can be decoded straight
 * to its small size and the viewer can name the format. Null when the bytes do not say.
 */
import { imageSize } from 'image-size';

export interface ImageInfo {
  width: number;
  height: number;
  /** image-size's name of the format: `png`, `jpg`, `gif`, `webp`, `svg`… */
  type: string;
}

/** Bytes enough for the size of nearly every image (a JPEG's EXIF block comes before its SOF). */
export const IMAGE_HEADER_BYTES = 128 * 1024;

/** @example imageInfo(pngBytes) // { width: 64, height: 64, type: 'png' } */
export function imageInfo(head: Uint8Array): ImageInfo | null {
  try {
    const size = imageSize(head);
    if (!size.width || !size.height || !size.type) return null;
    // EXIF orientations 5–8 are quarter turns: the image shows with width and height swapped.
    const turned = (size.orientation ?? 1) >= 5;
    return {
      width: turned ? size.height : size.width,
      height: turned ? size.width : size.height,
      type: size.type,
    };
  } catch {
    return null;
  }
}

const NAMES: Record<string, string> = {
  png: 'PNG',
  jpg: 'JPEG',
  gif: 'GIF',
  webp: 'WebP',
  svg: 'SVG',
  bmp: 'BMP',
  ico: 'ICO',
  cur: 'CUR',
  tiff: 'TIFF',
  heif: 'HEIF',
};

/** The format as people name it (`PNG`, `JPEG`), from image-size's type or a file extension. */
export function formatName(type: string): string {
  const t = type.toLowerCase();
  return NAMES[t === 'jpeg' ? 'jpg' : t] ?? t.toUpperCase();
}

const TYPES: Record<string, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
};

/** The MIME type to give an image's bytes (an SVG must be `image/svg+xml` to show in an <img>). */
export function imageMime(extension: string): string {
  return TYPES[extension.toLowerCase()] ?? 'application/octet-stream';
}
