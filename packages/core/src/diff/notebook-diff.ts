/**
 * Notebook diff by cell, with nbdime's semantics. Cells are paired by id when the two versions
 * share ids (nbformat ≥ 4.5: ids then persist, and two different ids are two different cells);
 * when they share none — papermill and some editors regenerate every id on each run — cells are
 * paired by content: identical source first, then similar source (nbdime's approximate pass).
 * Paired cells that left their order are marked moved.
 */
import { diffChars } from 'diff';
import { diffText, type TextDiff } from './line-diff.ts';
import { joinText, type NotebookCell, type NotebookCells, outputKey, readNotebookCells } from './notebook-cells.ts';
import { longestCommon, longestIncreasing } from './sequence-match.ts';
import { similarity } from './similarity.ts';

export type CellDiffKind = 'unchanged' | 'modified' | 'added' | 'removed';

export interface CellChanges {
  source: boolean;
  outputs: boolean;
  executionCount: boolean;
  metadata: boolean;
  attachments: boolean;
  type: boolean;
}

export interface CellDiff {
  kind: CellDiffKind;
  /** A paired cell whose position changed relative to the others. */
  moved: boolean;
  /** Cell index in the old and new notebook (null on the side where it does not exist). */
  base: number | null;
  other: number | null;
  changes: CellChanges;
}

export interface NotebookCellDiff {
  cells: CellDiff[];
  matchedBy: 'id' | 'content';
  metadataChanged: boolean;
}

/** Cells whose sources are at least this similar are one cell, edited. */
export const CELL_SIMILARITY = 0.5;

/** A similarity of two sources in [0, 1]: shared characters for short sources, git-like chunks for long. */
export function sourceSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const total = a.length + b.length;
  if (Math.min(a.length, b.length) < total * (CELL_SIMILARITY / 2)) return 0;
  if (total > 20_000) return similarity(a, b);
  let common = 0;
  for (const part of diffChars(a, b)) if (!part.added && !part.removed) common += part.value.length;
  return (2 * common) / total;
}

function uniqueIds(cells: readonly NotebookCell[]): Map<string, number> {
  const seen = new Map<string, number>();
  const twice = new Set<string>();
  cells.forEach((c, i) => {
    if (c.id === null) return;
    if (seen.has(c.id)) twice.add(c.id);
    seen.set(c.id, i);
  });
  for (const id of twice) seen.delete(id);
  return seen;
}

/** Pairs cells of `a` and `b`: [baseIndex, otherIndex], sorted by base index. */
function pairCells(a: NotebookCells, b: NotebookCells): { pairs: [number, number][]; matchedBy: 'id' | 'content' } {
  const aIds = uniqueIds(a.cells);
  const bIds = uniqueIds(b.cells);
  const idPairs: [number, number][] = [];
  for (const [id, i] of aIds) {
    const j = bIds.get(id);
    if (j !== undefined) idPairs.push([i, j]);
  }
  const byId = idPairs.length > 0;
  const takenA = new Set(idPairs.map(([i]) => i));
  const takenB = new Set(idPairs.map(([, j]) => j));
  // Cells left over after id pairing; with persistent ids, two cells with different ids never pair.
  const restA = a.cells.map((_, i) => i).filter((i) => !takenA.has(i));
  const restB = b.cells.map((_, j) => j).filter((j) => !takenB.has(j));
  const mayPair = (i: number, j: number) => {
    const x = a.cells[i] as NotebookCell;
    const y = b.cells[j] as NotebookCell;
    if (x.type !== y.type) return false;
    return !(byId && x.id !== null && y.id !== null && x.id !== y.id);
  };
  const contentPairs = matchByContent(a, b, restA, restB, mayPair);
  const pairs = [...idPairs, ...contentPairs].sort((p, q) => p[0] - q[0]);
  return { pairs, matchedBy: byId ? 'id' : 'content' };
}

/** Exact source matches in order, then, between them, similar sources in order. */
function matchByContent(
  a: NotebookCells,
  b: NotebookCells,
  restA: number[],
  restB: number[],
  mayPair: (i: number, j: number) => boolean,
): [number, number][] {
  const src = (cells: NotebookCells, k: number) => (cells.cells[k] as NotebookCell).source;
  const exact = longestCommon(
    restA.length,
    restB.length,
    (x, y) =>
      mayPair(restA[x] as number, restB[y] as number) && src(a, restA[x] as number) === src(b, restB[y] as number),
  );
  const pairs: [number, number][] = [];
  let fromX = 0;
  let fromY = 0;
  for (const [x, y] of [...exact, [restA.length, restB.length] as [number, number]]) {
    const gapA = restA.slice(fromX, x);
    const gapB = restB.slice(fromY, y);
    const similar = longestCommon(
      gapA.length,
      gapB.length,
      (p, q) =>
        mayPair(gapA[p] as number, gapB[q] as number) &&
        sourceSimilarity(src(a, gapA[p] as number), src(b, gapB[q] as number)) >= CELL_SIMILARITY,
    );
    for (const [p, q] of similar) pairs.push([gapA[p] as number, gapB[q] as number]);
    if (x < restA.length) pairs.push([restA[x] as number, restB[y] as number]);
    fromX = x + 1;
    fromY = y + 1;
  }
  return pairs;
}

function cellChanges(x: NotebookCell, y: NotebookCell): CellChanges {
  const outputs =
    x.outputs.length !== y.outputs.length || x.outputs.some((o, k) => outputKey(o) !== outputKey(y.outputs[k]));
  return {
    source: x.source !== y.source,
    outputs,
    executionCount: x.executionCount !== y.executionCount,
    metadata: x.metadata !== y.metadata,
    attachments: x.attachments !== y.attachments,
    type: x.type !== y.type,
  };
}

const NO_CHANGES: CellChanges = {
  source: false,
  outputs: false,
  executionCount: false,
  metadata: false,
  attachments: false,
  type: false,
};

/** The cell-level diff of two read notebooks, in the new notebook's order with removed cells where they were. */
export function diffNotebookCells(a: NotebookCells, b: NotebookCells): NotebookCellDiff {
  const { pairs, matchedBy } = pairCells(a, b);
  const inOrder = longestIncreasing(pairs);
  const pairOfB = new Map<number, number>();
  const pairedA = new Set<number>();
  for (const [i, j] of pairs) {
    pairOfB.set(j, i);
    pairedA.add(i);
  }
  const movedB = new Set(pairs.filter((_, k) => !inOrder.has(k)).map(([, j]) => j));
  const cells: CellDiff[] = [];
  const paired = (i: number, j: number, moved: boolean): CellDiff => {
    const changes = cellChanges(a.cells[i] as NotebookCell, b.cells[j] as NotebookCell);
    const modified = Object.values(changes).some(Boolean);
    return { kind: modified ? 'modified' : 'unchanged', moved, base: i, other: j, changes };
  };
  let i = 0;
  const flushRemoved = (upTo: number) => {
    for (; i < upTo; i++) {
      if (!pairedA.has(i)) cells.push({ kind: 'removed', moved: false, base: i, other: null, changes: NO_CHANGES });
    }
  };
  // Removed cells come before the cells added in their place, as in a line diff.
  const nextAnchor = new Int32Array(b.cells.length + 1).fill(a.cells.length);
  for (let j = b.cells.length - 1; j >= 0; j--) {
    const base = pairOfB.get(j);
    nextAnchor[j] = base !== undefined && !movedB.has(j) ? base : (nextAnchor[j + 1] as number);
  }
  for (let j = 0; j < b.cells.length; j++) {
    const base = pairOfB.get(j);
    if (base === undefined) {
      flushRemoved(nextAnchor[j] as number);
      cells.push({ kind: 'added', moved: false, base: null, other: j, changes: NO_CHANGES });
    } else if (movedB.has(j)) cells.push(paired(base, j, true));
    else {
      flushRemoved(base);
      cells.push(paired(base, j, false));
      i = base + 1;
    }
  }
  flushRemoved(a.cells.length);
  return { cells, matchedBy, metadataChanged: a.metadata !== b.metadata };
}

/** A cell of the notebook diff with what a view draws: the raw cells and their text diffs. */
export interface NotebookCellView extends CellDiff {
  type: string;
  before: NotebookCell | null;
  after: NotebookCell | null;
  /** Line diff of the source (for added / removed cells, against nothing). */
  sourceDiff: TextDiff;
  /** Line diff of the outputs' text (streams, text/plain, errors) when the outputs changed. */
  outputsDiff: TextDiff | null;
}

export interface NotebookDiff {
  cells: NotebookCellView[];
  matchedBy: 'id' | 'content';
  metadataChanged: boolean;
  nbformat: [string, string];
}

/** The text a reader sees of a cell's outputs, one block per output. */
export function outputsText(outputs: readonly unknown[]): string {
  return outputs
    .map((raw) => {
      const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      if (o.output_type === 'stream') return joinText(o.text);
      if (o.output_type === 'error') {
        const tb = Array.isArray(o.traceback) ? o.traceback.join('\n') : '';
        // biome-ignore lint/suspicious/noControlCharactersInRegex: tracebacks carry ANSI colour escapes.
        return `${String(o.ename ?? '')}: ${String(o.evalue ?? '')}\n${tb.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')}`;
      }
      const data = (o.data ?? {}) as Record<string, unknown>;
      if ('text/plain' in data) return joinText(data['text/plain']);
      const mimes = Object.keys(data);
      return mimes.length ? `[${mimes.join(', ')}]` : '';
    })
    .map((t) => (t.endsWith('\n') ? t : `${t}\n`))
    .join('');
}

/**
 * The diff of two notebook files. Throws NotebookDiffError when either is not an nbformat 4
 * notebook (the view then shows the text diff).
 */
export function diffNotebooks(
  before: string,
  after: string,
  options: { ignoreWhitespace?: boolean } = {},
): NotebookDiff {
  const a = readNotebookCells(before);
  const b = readNotebookCells(after);
  const cellDiff = diffNotebookCells(a, b);
  const cells = cellDiff.cells.map((c): NotebookCellView => {
    const x = c.base === null ? null : (a.cells[c.base] as NotebookCell);
    const y = c.other === null ? null : (b.cells[c.other] as NotebookCell);
    return {
      ...c,
      type: (y ?? x)?.type ?? 'code',
      before: x,
      after: y,
      sourceDiff: diffText(x?.source ?? '', y?.source ?? '', options),
      outputsDiff: x && y && c.changes.outputs ? diffText(outputsText(x.outputs), outputsText(y.outputs)) : null,
    };
  });
  return {
    cells,
    matchedBy: cellDiff.matchedBy,
    metadataChanged: cellDiff.metadataChanged,
    nbformat: [a.nbformat, b.nbformat],
  };
}
