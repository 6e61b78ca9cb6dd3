/**
 * hash/ — DVC-exact hashing: file MD5 (DVC 3 `md5` and legacy `md5-dos2unix`), `.dir`
 * manifests and directory hashes, `.dvcignore`. The MD5 implementation is a parameter.
 */
export * from './dir-manifest.ts';
export * from './dvcignore.ts';
export * from './file-hash.ts';
export * from './md5.ts';
export * from './python-json.ts';
export * from './text-heuristic.ts';
