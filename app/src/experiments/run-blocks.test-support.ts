/**
 * Rows ⇄ snapshot blocks for tests of the columnar snapshot: the app's worker builds its blocks
 * from the rows as they arrive (run-table-host.ts); tests build them from a list of rows in one go,
 * and read a stored snapshot back as rows to compare it with the store's.
 */
import { decodeRunBlock, encodeRunBlock, type RunBlock } from '@cairn/core/runs';
import { BLOCK_RUNS, type ExperimentsDb, extraOf, type RunRow, readStoredBlocks } from './run-store.ts';

/** `rows` as snapshot blocks of BLOCK_RUNS runs each, in order. */
export function blocksOfRunRows(rows: readonly RunRow[]): RunBlock[] {
  const blocks: RunBlock[] = [];
  for (let from = 0; from < rows.length; from += BLOCK_RUNS) {
    const slice = rows.slice(from, from + BLOCK_RUNS);
    blocks.push(
      encodeRunBlock(
        slice.map((r) => r.run),
        (_r, i) => extraOf(slice[i] as RunRow),
      ),
    );
  }
  return blocks;
}

/** Decoded blocks as the rows they were made from (git facts included). */
export function runRowsOfBlocks(repo: string, blocks: readonly RunBlock[]): RunRow[] {
  return blocks.flatMap((block) =>
    decodeRunBlock(block).map(
      ({ run, extra }): RunRow =>
        extra === null
          ? { repo, id: run.id, origin: 'mlflow', run }
          : { repo, id: run.id, origin: 'git', run, ...(extra === 'null' ? {} : { git: JSON.parse(extra) }) },
    ),
  );
}

/** The repository's snapshot read back as rows with its stamp, or null when none is valid. */
export async function readSnapshotAsRows(
  db: ExperimentsDb,
  repo: string,
): Promise<{ rows: RunRow[]; version: number; writer: string | null } | null> {
  const snap = await readStoredBlocks(db, repo);
  return snap && { rows: runRowsOfBlocks(repo, snap.blocks), version: snap.version, writer: snap.writer };
}
