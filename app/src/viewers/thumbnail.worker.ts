/**
 * Decodes an image and scales it down to a thumbnail off the main thread: createImageBitmap
 * with resize options decodes straight to the small size, an OffscreenCanvas encodes it. A
 * gallery of thousands of multi-megapixel images then never decodes a full image on the page.
 */
import { IMAGE_HEADER_BYTES, imageInfo } from './image-info.ts';
import type { ThumbnailRequest, ThumbnailResponse } from './thumbnail-protocol.ts';

/** The thumbnail's size: the longest side at most `size`, never larger than the image. */
function fit(width: number, height: number, size: number): { width: number; height: number } {
  const scale = Math.min(1, size / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

self.onmessage = async (event: MessageEvent<ThumbnailRequest>) => {
  const { id, image, size } = event.data;
  let reply: ThumbnailResponse;
  try {
    // The size from the header; only an image whose header does not say is decoded in full.
    let dims = imageInfo(new Uint8Array(await image.slice(0, IMAGE_HEADER_BYTES).arrayBuffer()));
    if (!dims) {
      const full = await createImageBitmap(image);
      dims = { width: full.width, height: full.height, type: '' };
      full.close();
    }
    const { width, height } = dims;
    const target = fit(width, height, size);
    const small = await createImageBitmap(image, {
      resizeWidth: target.width,
      resizeHeight: target.height,
      resizeQuality: 'medium',
    });
    const canvas = new OffscreenCanvas(target.width, target.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser cannot draw off the page');
    context.drawImage(small, 0, 0);
    small.close();
    const thumbnail = await canvas.convertToBlob({ type: 'image/webp', quality: 0.85 });
    reply = { id, ok: true, thumbnail, width, height };
  } catch (error) {
    reply = { id, ok: false, message: (error as Error).message || 'the image could not be decoded' };
  }
  self.postMessage(reply);
};
