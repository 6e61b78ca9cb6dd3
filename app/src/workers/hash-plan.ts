/**
 * How the files of one add are cut into hash tasks for the workers. A big file is one task,
 * streamed. Small files go in batches: the worker reads a batch as ONE composite Blob, because
 * in Chromium every File read costs a round trip through the browser process's single IO thread
 * (measured: ≈0.30 ms of that thread's CPU per File read one by one, ≈0.12 ms batched), and
 * that — not MD5 — is what many small files cost; more workers do not add IO threads. Largest first, so one big file does not start last.
 */

/** Files up to this size are read in batches; bigger ones are streamed alone. */
export const BATCH_FILE_MAX_BYTES = 1024 * 1024;
/** A batch holds at most this many bytes (it is read whole into memory)… */
export const BATCH_MAX_BYTES = 4 * 1024 * 1024;
/** …and at most this many files (so progress and cancel stay prompt). */
export const BATCH_MAX_FILES = 256;

export type HashTaskPlan = { kind: 'stream'; ids: [number] } | { kind: 'batch'; ids: number[] };

/**
 * Tasks for files of these sizes; `ids` index into `sizes`. Every file is in exactly one task.
 * @example planHashTasks([5e6, 10, 20]) // [{ kind: 'stream', ids: [0] }, { kind: 'batch', ids: [2, 1] }]
 */
export function planHashTasks(sizes: readonly number[]): HashTaskPlan[] {
  const order = sizes.map((_, i) => i).sort((a, b) => (sizes[b] ?? 0) - (sizes[a] ?? 0));
  const tasks: HashTaskPlan[] = [];
  let batch: number[] = [];
  let batchBytes = 0;
  for (const id of order) {
    const size = sizes[id] ?? 0;
    if (size > BATCH_FILE_MAX_BYTES) {
      tasks.push({ kind: 'stream', ids: [id] });
      continue;
    }
    if (batch.length > 0 && (batch.length >= BATCH_MAX_FILES || batchBytes + size > BATCH_MAX_BYTES)) {
      tasks.push({ kind: 'batch', ids: batch });
      batch = [];
      batchBytes = 0;
    }
    batch.push(id);
    batchBytes += size;
  }
  if (batch.length > 0) tasks.push({ kind: 'batch', ids: batch });
  return tasks;
}
