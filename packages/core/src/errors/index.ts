export * from './cairn-error.ts';
export * from './parse-error.ts';
export * from './pipeline-error.ts';
export * from './result.ts';
