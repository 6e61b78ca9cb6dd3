/**
 * The parts of a notebook's cells that a diff compares, read from nbformat 4 JSON. Sources and
 * output texts may be a string or a list of lines (nbformat allows both); they are joined.
 */

export interface NotebookCell {
  type: string;
  /** nbformat ≥ 4.5 cell id, or null. */
  id: string | null;
  source: string;
  /** Raw output objects, compared as JSON (what nbdime compares). */
  outputs: unknown[];
  executionCount: number | null;
  /** Cell metadata and attachments, compared as canonical JSON. */
  metadata: string;
  attachments: string;
}

export interface NotebookCells {
  nbformat: string;
  metadata: string;
  cells: NotebookCell[];
}

export type NotebookDiffErrorCode = 'not_json' | 'unsupported_nbformat' | 'not_a_notebook';

/** A file that cannot be diffed as a notebook; the view falls back to its text diff. */
export class NotebookDiffError extends Error {
  override readonly name = 'NotebookDiffError';
  constructor(
    readonly code: NotebookDiffErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

export function joinText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : '')).join('');
  return '';
}

/** JSON with sorted keys, so two equal objects give equal strings whatever their key order. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? 'null'
  );
}

/** Reads a notebook's cells; throws NotebookDiffError for anything but nbformat 4 JSON. */
export function readNotebookCells(text: string): NotebookCells {
  let nb: Json;
  try {
    nb = JSON.parse(text) as Json;
  } catch (error) {
    throw new NotebookDiffError('not_json', `This notebook is not valid JSON (${(error as Error).message}).`);
  }
  if (!nb || typeof nb !== 'object' || Array.isArray(nb))
    throw new NotebookDiffError('not_a_notebook', 'This file is not a notebook.');
  if (typeof nb.nbformat === 'number' && nb.nbformat < 4)
    throw new NotebookDiffError('unsupported_nbformat', `nbformat ${nb.nbformat} notebooks are compared as text only.`);
  if (!Array.isArray(nb.cells)) throw new NotebookDiffError('not_a_notebook', 'This notebook has no list of cells.');
  const cells = (nb.cells as unknown[]).map((raw): NotebookCell => {
    const c = (raw && typeof raw === 'object' ? raw : {}) as Json;
    return {
      type: typeof c.cell_type === 'string' ? c.cell_type : 'raw',
      id: typeof c.id === 'string' && c.id !== '' ? c.id : null,
      source: joinText(c.source),
      outputs: Array.isArray(c.outputs) ? c.outputs : [],
      executionCount: typeof c.execution_count === 'number' ? c.execution_count : null,
      metadata: canonicalJson(c.metadata ?? {}),
      attachments: canonicalJson(c.attachments ?? null),
    };
  });
  return {
    nbformat: `${nb.nbformat ?? 4}.${nb.nbformat_minor ?? 0}`,
    metadata: canonicalJson(nb.metadata ?? {}),
    cells,
  };
}

/**
 * One output as comparable text: multi-line strings may be stored as one string or as a list
 * of lines; joined, the two forms compare equal (nbdime compares the joined text too).
 */
export function outputKey(output: unknown): string {
  if (!output || typeof output !== 'object') return canonicalJson(output);
  const o = { ...(output as Json) };
  if ('text' in o) o.text = joinText(o.text);
  if (o.data && typeof o.data === 'object') {
    o.data = Object.fromEntries(Object.entries(o.data as Json).map(([mime, v]) => [mime, isText(v) ? joinText(v) : v]));
  }
  return canonicalJson(o);
}

const isText = (v: unknown) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
