/**
 * The OPFS store where sync access handles are missing (here Node, as on a browser's main
 * thread): writes go to IndexedDB chunk rows, and it must still be a conforming BlobStore. The
 * OPFS side itself runs in Chromium (test/e2e/opfs-blob-store.test.ts): Node has no OPFS.
 */
import { hashWasmMd5 } from '@cairn/core/hash';
import { runBlobStoreTests } from './blob-store.conformance.ts';
import { makeDb } from './db.ts';
import { OpfsBlobStore } from './opfs-blob-store.ts';
import { workerWrites } from './opfs-write-client.ts';
import { oneAtATime, opfsWriteHandler } from './opfs-write-handler.ts';
import type { OpfsWriteRequest } from './opfs-write-protocol.ts';

let dbCount = 0;

runBlobStoreTests(
  'OPFS store without sync access handles (chunk rows)',
  async () => new OpfsBlobStore(makeDb(`opfs-fallback-${++dbCount}`), hashWasmMd5()),
);

// A page's writes handed to the write worker: here its handler runs in-process over a
// structured clone of each message (as postMessage delivers it), one at a time as the worker
// answers them, writing chunk rows.
runBlobStoreTests('OPFS store of a page, writing through the write worker', async () => {
  const db = makeDb(`opfs-via-worker-${++dbCount}`);
  const worker = oneAtATime(opfsWriteHandler(new OpfsBlobStore(db, hashWasmMd5(), { writesToOpfs: false })));
  // Transferred buffers are detached here as postMessage detaches them.
  const call = async (req: OpfsWriteRequest, transfer: Transferable[] = []) =>
    structuredClone(await worker(structuredClone(req, { transfer })));
  return new OpfsBlobStore(db, hashWasmMd5(), { writesToOpfs: false, writesVia: workerWrites(call) });
});
