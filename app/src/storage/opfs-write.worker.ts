/// <reference lib="webworker" />
/**
 * The data-cache write worker: writes a page sends (opfs-write-client.ts) go into OPFS files
 * here, where sync access handles exist, through the same store the hash workers use.
 */
import { getBlobStore } from './blobs.ts';
import { oneAtATime, opfsWriteHandler } from './opfs-write-handler.ts';
import type { OpfsWriteRequest } from './opfs-write-protocol.ts';

// One request at a time, in the order sent (a writer has several pieces in flight).
const handle = oneAtATime(opfsWriteHandler(getBlobStore()));

self.onmessage = async (event: MessageEvent<OpfsWriteRequest>) => {
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(await handle(event.data));
};
