/**
 * @cairn/core — formats, hashing, graphs, diffs and queries, written once and used by the app,
 * the sync server and the CLI. Pure TypeScript: no DOM, no fs, no network (the linter enforces it).
 */

export * from './cache/index.ts';
export * from './dagshub/index.ts';
export * from './diff/index.ts';
export * from './dvc/index.ts';
export * from './errors/index.ts';
export * from './hash/index.ts';
export * from './metrics/index.ts';
export * from './params/index.ts';
export * from './pipeline/index.ts';
export * from './runs/index.ts';
export * from './yaml/index.ts';
