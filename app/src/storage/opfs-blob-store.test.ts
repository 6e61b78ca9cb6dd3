/**
 * The OPFS store where sync access handles are missing (here Node, as on a browser's main
 * thread): writes go to IndexedDB chunk rows, and it must still be a conforming BlobStore. The
 * OPFS side itself runs in Chromium (test/e2e/opfs-blob-store.test.ts): Node has no OPFS.
 */
import { hashWasmMd5 } from '@cairn/core/hash';
import { runBlobStoreTests } from './blob-store.conformance.ts';
import { makeDb } from './db.ts';
import { OpfsBlobStore } from './opfs-blob-store.ts';

let dbCount = 0;

runBlobStoreTests(
  'OPFS store without sync access handles (chunk rows)',
  async () => new OpfsBlobStore(makeDb(`opfs-fallback-${++dbCount}`), hashWasmMd5()),
);
