/**
 * Content similarity the way git's rename detection estimates it (diffcore-delta.c): both
 * files are cut into chunks (a line, or 64 bytes of a longer line), and the score is the bytes
 * of the old file's chunks found again in the new file over the larger file's size. Git calls
 * a pair a rename from 50 % up (`-M50%`, its default).
 */

const CHUNK = 64;

function chunkBytes(text: string): Map<string, number> {
  const chunks = new Map<string, number>();
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = Math.min(newline === -1 ? text.length : newline + 1, start + CHUNK);
    const chunk = text.slice(start, end);
    chunks.set(chunk, (chunks.get(chunk) ?? 0) + chunk.length);
    start = end;
  }
  return chunks;
}

/** A score in [0, 1]: 1 for identical texts, 0 for texts sharing no chunk. */
export function similarity(before: string, after: string): number {
  if (before === after) return 1;
  const longest = Math.max(before.length, after.length);
  if (longest === 0) return 1;
  const a = chunkBytes(before);
  const b = chunkBytes(after);
  let copied = 0;
  for (const [chunk, bytes] of a) {
    const there = b.get(chunk);
    if (there) copied += Math.min(bytes, there);
  }
  return copied / longest;
}

export interface RenameCandidate {
  path: string;
  /** Blob id: equal ids are an exact rename, found without reading the contents. */
  oid: string;
  /** The text, or null for a binary or too-large file (then only an exact rename is found). */
  text: string | null;
}

export interface RenamePair {
  from: string;
  to: string;
  /** Similarity in [0, 1]. */
  score: number;
  /** For a copy: the blob it was copied from (its source may be a file no change lists). */
  fromOid?: string;
}

export const RENAME_THRESHOLD = 0.5;

/**
 * Pairs deleted files with added files as renames: exact (same blob) first, then by
 * similarity ≥ `threshold`, best score first, each file in one pair at most (as git does;
 * on equal scores a pair whose file names match wins).
 */
export function detectRenames(
  deleted: readonly RenameCandidate[],
  added: readonly RenameCandidate[],
  threshold = RENAME_THRESHOLD,
): RenamePair[] {
  const pairs: RenamePair[] = [];
  const usedFrom = new Set<string>();
  const usedTo = new Set<string>();
  const byOid = new Map<string, RenameCandidate[]>();
  for (const d of deleted) byOid.set(d.oid, [...(byOid.get(d.oid) ?? []), d]);
  for (const a of added) {
    const same = byOid.get(a.oid)?.find((d) => !usedFrom.has(d.path));
    if (!same) continue;
    pairs.push({ from: same.path, to: a.path, score: 1 });
    usedFrom.add(same.path);
    usedTo.add(a.path);
  }
  const candidates: (RenamePair & { sameName: boolean })[] = [];
  for (const d of deleted) {
    if (usedFrom.has(d.path) || d.text === null) continue;
    for (const a of added) {
      if (usedTo.has(a.path) || a.text === null) continue;
      const small = Math.min(d.text.length, a.text.length);
      const big = Math.max(d.text.length, a.text.length);
      if (big > 0 && small / big < threshold) continue;
      const score = similarity(d.text, a.text);
      if (score >= threshold)
        candidates.push({ from: d.path, to: a.path, score, sameName: baseName(d.path) === baseName(a.path) });
    }
  }
  candidates.sort((x, y) => y.score - x.score || Number(y.sameName) - Number(x.sameName) || (x.to < y.to ? -1 : 1));
  for (const c of candidates) {
    if (usedFrom.has(c.from) || usedTo.has(c.to)) continue;
    usedFrom.add(c.from);
    usedTo.add(c.to);
    pairs.push({ from: c.from, to: c.to, score: c.score });
  }
  return pairs;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Git's copy detection (`-C`): an added file that is not a rename but is ≥ `threshold` similar to
 * a file that is still there (changed or not) is a copy of it; its diff is taken against that
 * file's old version. Unlike a rename, one source may be copied to many files. Exact copies (same
 * blob) first; otherwise the most similar source, ties going to the same file name.
 */
export function detectCopies(
  sources: readonly RenameCandidate[],
  added: readonly RenameCandidate[],
  threshold = RENAME_THRESHOLD,
): RenamePair[] {
  const byOid = new Map<string, RenameCandidate>();
  for (const s of sources) if (!byOid.has(s.oid)) byOid.set(s.oid, s);
  const pairs: RenamePair[] = [];
  for (const a of added) {
    const same = byOid.get(a.oid);
    if (same) {
      pairs.push({ from: same.path, to: a.path, score: 1, fromOid: same.oid });
      continue;
    }
    if (a.text === null) continue;
    let best: RenamePair | null = null;
    let bestSameName = false;
    for (const s of sources) {
      if (s.text === null) continue;
      const small = Math.min(s.text.length, a.text.length);
      const big = Math.max(s.text.length, a.text.length);
      if (big > 0 && small / big < threshold) continue;
      const score = similarity(s.text, a.text);
      const sameName = baseName(s.path) === baseName(a.path);
      if (score < threshold) continue;
      if (!best || score > best.score || (score === best.score && sameName && !bestSameName)) {
        best = { from: s.path, to: a.path, score, fromOid: s.oid };
        bestSameName = sameName;
      }
    }
    if (best) pairs.push(best);
  }
  return pairs;
}
