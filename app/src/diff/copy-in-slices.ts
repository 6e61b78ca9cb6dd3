/**
 * A copy of a big byte array made a few megabytes at a time, yielding to the event loop between
 * slices: a 40 MB CSV copied at once would hold the page's thread for one long task, and the
 * copy is needed because the original stays with the page while the copy is transferred to
 * the diff worker.
 */
const SLICE_BYTES = 4 * 1024 * 1024;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function copyInSlices(bytes: Uint8Array): Promise<ArrayBuffer> {
  const copy = new Uint8Array(bytes.length);
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    copy.set(bytes.subarray(at, at + SLICE_BYTES), at);
    if (at + SLICE_BYTES < bytes.length) await nextTask();
  }
  return copy.buffer;
}
