/**
 * experiments/ — git experiments: the scanner that finds runs in a repository's history
 * (DagsHub-style params/metrics files and the files dvc.yaml names, on every branch and DVC
 * experiment ref), incremental, cached by object id within a session and per commit across
 * sessions (scan-cache.ts). Pure: it reads git through the GitReader port; the app implements
 * it with isomorphic-git for refs and GitObjectStore (git-object-store.ts, git-objects.ts:
 * packs and loose objects read from bytes) for objects, its file system passed in.
 */
export * from './dvc-experiment-files.ts';
export * from './experiment-file-names.ts';
export * from './flatten.ts';
export * from './git-experiment.ts';
export * from './git-object-store.ts';
export * from './git-objects.ts';
export * from './git-reader.ts';
export * from './read-experiment-file.ts';
export * from './scan-cache.ts';
export * from './scan-git-experiments.ts';
export * from './simple-yaml.ts';
export * from './tree-index.ts';
