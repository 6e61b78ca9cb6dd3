/**
 * diff/ — what changed between two versions of a file: line diffs with word highlights and
 * folded context, git-like rename detection, notebook diffs by cell (nbdime's semantics) and
 * table diffs by row and cell. Pure: the app runs these in a worker.
 */

export * from './dir-diff.ts';
export * from './dvc-diff.ts';
export * from './fold-context.ts';
export * from './key-diff.ts';
export * from './line-diff.ts';
export * from './notebook-cells.ts';
export * from './notebook-diff.ts';
export * from './similarity.ts';
export * from './table-diff.ts';
export * from './table-diff-index.ts';
export * from './word-diff.ts';
