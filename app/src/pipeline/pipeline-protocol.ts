/**
 * Messages between the pipeline page and its worker. Everything crosses as plain data: the
 * worker's errors (ParseError, PipelineError) become `PipelineProblem`s, because structured
 * clone keeps only an Error's name and message.
 */
import type { MetricValue, PipelineDiff, RepoPipeline, StageStatus } from '@cairn/core';
import type { StageLastChange } from '@cairn/core/pipeline';

export interface PipelineProblem {
  kind: 'parse' | 'pipeline' | 'status';
  code: string;
  /** The whole message, with file:line:column when there is one. */
  text: string;
  file?: string;
  line?: number;
  column?: number;
  /** Stages (or `.dvc` files) a pipeline error names. */
  stages: string[];
}

/** The pipeline of one commit, as the page draws it. */
export interface PipelineSnapshot {
  commit: string;
  pipeline: Omit<RepoPipeline, 'errors'>;
  problems: PipelineProblem[];
  /** Status of every stage (null when it could not be computed: see problems). */
  status: StageStatus[] | null;
  /** Every file path git holds at that commit. */
  gitPaths: string[];
  /**
   * Values of the stages' metrics files kept in git, flat dotted keys, by repository path (a
   * file that does not parse: its error's text instead).
   */
  metrics: Record<string, Record<string, MetricValue> | string>;
  ms: { load: number; status: number };
}

/** The pipeline at a commit (and, with `base`, its diff against another). */
export interface SnapshotRequest {
  id: number;
  kind: 'snapshot';
  fsName: string;
  dir: string;
  commit: string;
  /** A second commit to compare with (the base of a pipeline diff). */
  base?: string;
}

/** The newest commit from `commit` back (first parents) that changed one stage. */
export interface LastChangeRequest {
  id: number;
  kind: 'last-change';
  fsName: string;
  dir: string;
  commit: string;
  /** The stage's dvc.yaml (repository-relative) and its name inside it. */
  file: string;
  local: string;
}

export type PipelineRequest = SnapshotRequest | LastChangeRequest;

export type PipelineResponse =
  | { id: number; ok: true; snapshot: PipelineSnapshot; base?: PipelineSnapshot; diff?: PipelineDiff }
  | { id: number; ok: true; lastChange: StageLastChange }
  | { id: number; ok: false; message: string };
