import { invalid } from './errors.ts';

/**
 * Artifact paths are names, not file paths, whichever store keeps them (disk or S3): each
 * segment is checked before it reaches a file system or becomes an object key — no empty, `.`
 * or `..` segments, no backslash or NUL, no temp-file prefix, bounded lengths.
 */

/** Prefix of the disk store's temp files, refused as a name so listings never show one. */
export const TEMP_PREFIX = '.cairn-upload-';
const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;

/** Validated segments of an artifact path ('' and '/' = the root, []). */
export function artifactSegments(artifactPath: string): string[] {
  if (artifactPath.length > MAX_PATH_LENGTH)
    throw invalid(`Artifact paths may be at most ${MAX_PATH_LENGTH} characters.`);
  const trimmed = artifactPath.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return [];
  const parts = trimmed.split('/');
  for (const seg of parts) {
    if (
      seg === '' ||
      seg === '.' ||
      seg === '..' ||
      seg.length > MAX_SEGMENT_LENGTH ||
      seg.includes('\\') ||
      seg.includes('\0') ||
      seg.startsWith(TEMP_PREFIX)
    ) {
      throw invalid(
        `Invalid artifact path ${JSON.stringify(artifactPath.slice(0, 200))}: segment ${JSON.stringify(seg.slice(0, 60))} is not allowed.`,
      );
    }
  }
  return parts;
}

/** The segments of a path an upload may write to (a file, so never the root). */
export function artifactFileSegments(artifactPath: string): string[] {
  const segs = artifactSegments(artifactPath);
  if (segs.length === 0) throw invalid('An artifact upload needs a file path.');
  return segs;
}
