import { CairnError } from './cairn-error.ts';

/** Why a set of stages does not form a pipeline DVC would run. */
export type PipelineErrorCode = 'cycle' | 'duplicate_output' | 'overlapping_outputs' | 'unknown_stage';

export interface PipelineErrorData {
  code: PipelineErrorCode;
  message: string;
  /** The stages (or `.dvc` files) involved, in the order that explains the problem. */
  stages: string[];
  /** The paths involved (the shared output, the two overlapping outputs). */
  paths: string[];
}

/** The stage graph is not a DAG, or two stages claim the same output. */
export class PipelineError extends CairnError<PipelineErrorCode, Pick<PipelineErrorData, 'stages' | 'paths'>> {
  override readonly name = 'PipelineError';
  readonly stages: string[];
  readonly paths: string[];

  constructor(data: PipelineErrorData) {
    super(data.code, data.message, { stages: data.stages, paths: data.paths });
    this.stages = data.stages;
    this.paths = data.paths;
  }

  override toJSON() {
    return { ...super.toJSON(), name: 'PipelineError' as const, stages: this.stages, paths: this.paths };
  }

  static override fromJSON(data: PipelineErrorData): PipelineError {
    return new PipelineError(data);
  }
}
