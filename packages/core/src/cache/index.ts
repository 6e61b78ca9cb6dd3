/** cache/ — object ids and their paths in DVC 2 and DVC 3 caches and remotes. */
export * from './object-path.ts';
