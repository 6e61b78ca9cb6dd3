import { CairnError } from '@cairn/core/errors';
import { parseDirManifest } from '@cairn/core/hash';

/**
 * Checks that an uploaded `.dir` object is a DVC directory manifest, with core's parser
 * (`@cairn/core` hash/dir-manifest: a JSON list of {md5, relpath}, relpaths that stay inside the
 * directory). Entries' objects need not be on the server yet (DVC pushes manifests after, but
 * not always strictly after, their contents — docs/FORMATS.md §2).
 */
export class DirManifestError extends CairnError<'dvc_bad_manifest', { path?: string; reason: string }> {
  constructor(message: string, data: { path?: string; reason: string }) {
    super('dvc_bad_manifest', message, data);
    this.name = 'DirManifestError';
  }
}

/** Throws DirManifestError unless `bytes` is a valid manifest; returns its entry count. */
export function checkDirManifest(bytes: Buffer): number {
  const parsed = parseDirManifest(bytes.toString('utf8'));
  if (!parsed.ok) {
    const e = parsed.error;
    throw new DirManifestError(`Not a valid .dir manifest: ${e.message}`, {
      reason: e.code,
      ...(e.path ? { path: e.path } : {}),
    });
  }
  return parsed.value.length;
}
