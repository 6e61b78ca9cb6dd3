import type { FilterError } from '@cairn/core';
import { invalid, type MlflowError } from './errors.ts';

/** A filter or order_by the core parser refused, as MLflow's INVALID_PARAMETER_VALUE with the position. */
export function filterFailure(filter: string, e: FilterError): MlflowError {
  return invalid(`Error on parsing filter '${filter}': ${e.describe()}`, { filter_error: e.toJSON() });
}

export function orderByFailure(clause: string, e: FilterError): MlflowError {
  return invalid(`Invalid order_by clause '${clause}': ${e.describe()}`, { filter_error: e.toJSON() });
}
