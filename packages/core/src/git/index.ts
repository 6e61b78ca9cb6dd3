/**
 * git/ — reading git repositories from bytes, without git: the GitReader port (refs, commits,
 * trees, blobs by object id), packs, pack indexes and loose objects (git-objects.ts), an object
 * store over a file system passed in (git-object-store.ts) and a tree index by path
 * (tree-index.ts). Pure: the file system and zlib inflate are parameters.
 */
export * from './git-object-store.ts';
export * from './git-objects.ts';
export * from './git-reader.ts';
export * from './tree-index.ts';
