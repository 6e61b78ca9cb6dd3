/**
 * @cairn/core — formats, hashing, graphs, diffs and queries, written once and used by the app,
 * the sync server and the CLI. Pure TypeScript: no DOM, no fs, no network (the linter enforces it).
 */
export {};
