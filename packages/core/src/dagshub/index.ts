export * from './metrics-csv.ts';
export * from './params-yml.ts';
export * from './python-repr.ts';
