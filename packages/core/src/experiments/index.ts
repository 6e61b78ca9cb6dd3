/**
 * experiments/ — git experiments: the scanner that finds runs in a repository's history
 * (DagsHub-style params/metrics files and the files dvc.yaml names, on every branch and DVC
 * experiment ref), incremental, cached by object id within a session and per commit across
 * sessions (scan-cache.ts). Pure: it reads git through the GitReader port of ../git/; the app
 * implements it with isomorphic-git for refs and GitObjectStore (../git/) for objects.
 */
export * from './dvc-experiment-files.ts';
export * from './experiment-file-names.ts';
export * from './flatten.ts';
export * from './git-experiment.ts';
export * from './read-experiment-file.ts';
export * from './scan-cache.ts';
export * from './scan-git-experiments.ts';
