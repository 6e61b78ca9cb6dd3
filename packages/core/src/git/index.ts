/**
 * git/ — reading git repositories from bytes, without git: the GitReader port (refs, commits,
 * trees, blobs by object id), packs, pack indexes and loose objects (git-objects.ts), an object
 * store over a file system passed in (git-object-store.ts), refs (git-refs.ts), history walks
 * and merge bases (git-history.ts), tree diffs (git-tree-diff.ts), one repository reader over
 * all of them (git-repo-reader.ts), a tree index by path (tree-index.ts) and a zlib inflater for
 * small objects of known size (zlib-inflate.ts). Pure: the file system and zlib inflate are
 * parameters.
 */
export * from './git-history.ts';
export * from './git-index-file.ts';
export * from './git-object-store.ts';
export * from './git-objects.ts';
export * from './git-reader.ts';
export * from './git-refs.ts';
export * from './git-repo-reader.ts';
export * from './git-tree-diff.ts';
export * from './pack-bytes.ts';
export * from './pack-indexer.ts';
export * from './pack-stream-indexer.ts';
export * from './ranged-pack.ts';
export * from './tree-index.ts';
export * from './zlib-inflate.ts';
