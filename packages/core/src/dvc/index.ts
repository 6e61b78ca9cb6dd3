/**
 * dvc/ — DVC's own files: `.dvc`, `dvc.lock`, `dvc.yaml` (checked and expanded), `.dvc/config`,
 * and builders for what `dvc add` / `dvc repro` write. Pure: callers read and write the files.
 */
export * from './dvc-config.ts';
export * from './dvc-file.ts';
export * from './dvc-lock.ts';
export * from './dvc-yaml.ts';
export * from './expand-stages.ts';
export * from './hashed-entry.ts';
export { InterpolationError, interpolateString, interpolateValue } from './interpolate.ts';
export * from './lock-builder.ts';
export { dirnameOf, isSameOrInside, joinPath, normalizePath } from './posix-path.ts';
export * from './repo-path.ts';
export { type KeyPath, schemaError } from './schema-error.ts';
