export * from './ascii-dag.ts';
export * from './file-graph.ts';
export * from './pipeline-diff.ts';
export * from './pipeline-view.ts';
export * from './repo-pipeline.ts';
export * from './stage-graph.ts';
export * from './stage-status.ts';
export * from './tree-status.ts';
