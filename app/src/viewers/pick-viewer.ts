/**
 * Which viewer opens a file: by its name, its size and a look at its first bytes. Big or binary
 * files get the "shown as such" viewer instead of hanging the tab; CSV/TSV stream through a
 * worker, so they have a much higher limit than text.
 */

export type ViewerKind = 'markdown' | 'csv' | 'tsv' | 'json' | 'notebook' | 'image' | 'code' | 'binary' | 'large';

/** Above these sizes a file is shown as "large" (with a download) rather than rendered. */
export const SIZE_LIMITS = {
  text: 2 * 1024 * 1024,
  json: 20 * 1024 * 1024,
  notebook: 50 * 1024 * 1024,
  image: 50 * 1024 * 1024,
  table: 4 * 1024 * 1024 * 1024,
} as const;

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp', 'ico', 'avif']);

/** Extensions the browser shows as an image (`png`, `jpg`, `svg`…), lower case. */
export function isImageExtension(ext: string): boolean {
  return IMAGE.has(ext);
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** True when the bytes look binary: a NUL byte, or invalid UTF-8, in the first 8 KiB. */
export function looksBinary(head: Uint8Array): boolean {
  const sample = head.subarray(0, 8192);
  if (sample.includes(0)) return true;
  try {
    // A multi-byte character cut at the sample's end is fine: trim up to 3 trailing bytes.
    let end = sample.length;
    while (end > 0 && end > sample.length - 3 && ((sample[end - 1] ?? 0) & 0xc0) === 0x80) end--;
    if (end > 0 && ((sample[end - 1] ?? 0) & 0xc0) === 0xc0) end--;
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return false;
  } catch {
    return true;
  }
}

/**
 * @example pickViewer('data/train.csv', 80_000_000, head) // 'csv'
 */
export function pickViewer(name: string, size: number, head: Uint8Array): ViewerKind {
  const ext = extensionOf(name);
  if (IMAGE.has(ext)) return size > SIZE_LIMITS.image ? 'large' : 'image';
  if (ext === 'csv' || ext === 'tsv') {
    if (size > SIZE_LIMITS.table) return 'large';
    return looksBinary(head) ? 'binary' : ext;
  }
  if (looksBinary(head)) return 'binary';
  if (ext === 'ipynb') return size > SIZE_LIMITS.notebook ? 'large' : 'notebook';
  if (ext === 'json') return size > SIZE_LIMITS.json ? 'large' : 'json';
  if (size > SIZE_LIMITS.text) return 'large';
  if (ext === 'md' || ext === 'markdown') return 'markdown';
  return 'code';
}
