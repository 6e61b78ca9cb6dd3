/**
 * Checks that an uploaded `.dir` object is a DVC directory manifest: a JSON list of entries,
 * each with a 32-hex `md5` and a relative `relpath` that stays inside the directory. Entries'
 * objects need not be on the server yet (DVC pushes manifests after, but not always strictly
 * after, their contents — FORMATS.md §2).
 */
export class DirManifestError extends Error {
  readonly code = 'dvc_bad_manifest' as const;
  constructor(
    message: string,
    readonly data: { entry?: number; reason: string },
  ) {
    super(message);
    this.name = 'DirManifestError';
  }
}

const MD5 = /^[0-9a-f]{32}$/;

/** Throws DirManifestError unless `bytes` is a valid manifest; returns its entry count. */
export function checkDirManifest(bytes: Buffer): number {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new DirManifestError(`A .dir object must be JSON: ${(err as Error).message}`, { reason: 'not_json' });
  }
  if (!Array.isArray(value)) {
    throw new DirManifestError('A .dir object must be a JSON list of {md5, relpath} entries.', { reason: 'not_list' });
  }
  value.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new DirManifestError(`Entry ${i} of the .dir object is not an object.`, { entry: i, reason: 'not_object' });
    }
    const { md5, relpath } = entry as { md5?: unknown; relpath?: unknown };
    if (typeof md5 !== 'string' || !MD5.test(md5)) {
      throw new DirManifestError(`Entry ${i} of the .dir object has no 32-hex md5.`, { entry: i, reason: 'bad_md5' });
    }
    if (typeof relpath !== 'string' || !isSafeRelpath(relpath)) {
      throw new DirManifestError(
        `Entry ${i} of the .dir object has a relpath that is empty, absolute or leaves the folder.`,
        {
          entry: i,
          reason: 'bad_relpath',
        },
      );
    }
  });
  return value.length;
}

function isSafeRelpath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0') || /^[A-Za-z]:/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
