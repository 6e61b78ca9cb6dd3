/** dvc-remote/ — the wire types of Cairn's DVC remote (the batch `missing` call). */
export * from './batch-missing.ts';
