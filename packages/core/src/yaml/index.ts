export * from './load-yaml.ts';
export * from './yaml-edit.ts';
