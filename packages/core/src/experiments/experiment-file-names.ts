/**
 * Which file names make a commit a DagsHub-style experiment (dagshub.com open data science
 * formats, docs/FORMATS.md §3): a params file is a .yaml/.yml/.json whose name ends in
 * `param`/`params`; a metrics file is a .csv whose name ends in `metric.csv`/`metrics.csv`
 * (its header is checked when read). `dvc.yaml` is read for the files it names.
 */

const PARAMS_NAME = /params?\.(ya?ml|json)$/i;
const METRICS_NAME = /metrics?\.csv$/i;

export function isDagsHubParamsName(name: string): boolean {
  return PARAMS_NAME.test(name);
}

export function isDagsHubMetricsName(name: string): boolean {
  return METRICS_NAME.test(name);
}

export function isDvcYamlName(name: string): boolean {
  return name === 'dvc.yaml';
}

/** A file the scanner must find anywhere in a tree. */
export function isExperimentFileName(name: string): boolean {
  return isDagsHubParamsName(name) || isDagsHubMetricsName(name) || isDvcYamlName(name) || name.endsWith('.dvc');
}
