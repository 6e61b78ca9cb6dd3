export * from './load-yaml.ts';
export * from './simple-yaml.ts';
export * from './yaml-edit.ts';
