export * from './file-graph.ts';
export * from './stage-graph.ts';
export * from './stage-status.ts';
