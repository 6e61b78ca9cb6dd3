/// <reference lib="webworker" />
/**
 * The data cache's file writer (app/src/storage/opfs-file-thread.worker.ts) as the suites worker
 * starts it, plus two test messages that make this worker's disk full after N more writes and
 * undo that: the conformance suite's full-disk case, where the writes happen on this thread.
 */
import { fileThreadHandler } from '../../../app/src/storage/opfs-file-thread-handler.ts';
import type { FileThreadRequest } from '../../../app/src/storage/opfs-file-thread-protocol.ts';

export type FullDiskMessage = { type: 'test-full-after'; writes: number } | { type: 'test-undo' };

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = fileThreadHandler((message, transfer = []) => scope.postMessage(message, transfer));
const sync = FileSystemSyncAccessHandle.prototype;
const realWrite = sync.write;

scope.onmessage = (event: MessageEvent<FileThreadRequest | FullDiskMessage>) => {
  const m = event.data;
  if (m.type === 'test-full-after') {
    let left = m.writes;
    sync.write = function (this: FileSystemSyncAccessHandle, ...args: Parameters<typeof realWrite>) {
      if (left-- <= 0) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realWrite.apply(this, args);
    };
  } else if (m.type === 'test-undo') {
    sync.write = realWrite;
  } else handle(m);
};
