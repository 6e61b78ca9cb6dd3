/**
 * Which diff a changed file gets, from its name and first bytes: a notebook diff by cell, a
 * table diff, a line diff, or "binary" with sizes. Text decoding and the "too big to diff at
 * once" rule live here too so every view applies the same ones.
 */
import { extensionOf, looksBinary } from '../viewers/pick-viewer.ts';

export type DiffKind = 'notebook' | 'table' | 'text' | 'binary';

/** Past this many bytes on either side, a diff waits for the user's "Load diff". */
export const LOAD_ON_REQUEST_BYTES = 512 * 1024;

export function diffKindOf(path: string, sides: (Uint8Array | null)[]): DiffKind {
  if (sides.some((s) => s && looksBinary(s))) return 'binary';
  const ext = extensionOf(path.slice(path.lastIndexOf('/') + 1));
  if (ext === 'ipynb') return 'notebook';
  if (ext === 'csv' || ext === 'tsv') return 'table';
  return 'text';
}

export const decodeText = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : '');
