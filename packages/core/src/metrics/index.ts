export * from './metrics-file.ts';
