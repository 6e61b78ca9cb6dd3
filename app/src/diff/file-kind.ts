/**
 * Which diff a changed file gets, from its name and first bytes: a notebook diff by cell, a
 * table diff, a line diff, or "binary" with sizes. Text decoding and the "too big to diff at
 * once" rule live here too so every view applies the same ones.
 */
import { extensionOf, looksBinary } from '../viewers/pick-viewer.ts';

export type DiffKind = 'notebook' | 'table' | 'text' | 'image' | 'binary';

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'ico', 'avif']);
/** Past this many bytes on either side, an image diff is not drawn (the sizes are still said). */
export const IMAGE_DIFF_BYTES = 50 * 1024 * 1024;

/** Past this many bytes on either side, a diff waits for the user's "Load diff". */
export const LOAD_ON_REQUEST_BYTES = 512 * 1024;

export function diffKindOf(path: string, sides: (Uint8Array | null)[]): DiffKind {
  const ext = extensionOf(path.slice(path.lastIndexOf('/') + 1));
  if (IMAGE.has(ext) && sides.every((s) => !s || s.length <= IMAGE_DIFF_BYTES)) return 'image';
  if (sides.some((s) => s && looksBinary(s))) return 'binary';
  if (ext === 'ipynb') return 'notebook';
  if (ext === 'csv' || ext === 'tsv') return 'table';
  return 'text';
}

export const decodeText = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : '');
