/** Messages between the gallery and thumbnail.worker.ts. */

export interface ThumbnailRequest {
  id: number;
  image: Blob;
  /** Longest side of the thumbnail, in device pixels. */
  size: number;
}

export type ThumbnailResponse =
  | { id: number; ok: true; thumbnail: Blob; width: number; height: number }
  | { id: number; ok: false; message: string };
