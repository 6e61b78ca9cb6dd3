import { describe, expect, it } from 'vitest';
import { formatName, imageInfo, imageMime } from './image-info.ts';

/** The first bytes of a PNG: signature and IHDR (width, height, 8-bit grayscale). */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 0, 0, 0, 0], 24);
  return bytes;
}

describe('image info from the first bytes', () => {
  it('reads the pixel size and format of a PNG without decoding it', () => {
    expect(imageInfo(pngHeader(640, 480))).toEqual({ width: 640, height: 480, type: 'png' });
  });

  it('reads an SVG by its attributes', () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"></svg>');
    expect(imageInfo(svg)).toEqual({ width: 120, height: 30, type: 'svg' });
  });

  it('says nothing for bytes that are no image', () => {
    expect(imageInfo(new TextEncoder().encode('not an image at all'))).toBeNull();
    expect(imageInfo(new Uint8Array())).toBeNull();
  });

  it('names formats as people do and types bytes for <img>', () => {
    expect(formatName('jpg')).toBe('JPEG');
    expect(formatName('png')).toBe('PNG');
    expect(formatName('avif')).toBe('AVIF');
    expect(imageMime('SVG')).toBe('image/svg+xml');
    expect(imageMime('xyz')).toBe('application/octet-stream');
  });
});
