export * from './params-file.ts';
