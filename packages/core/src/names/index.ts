export * from './repo-name.ts';
