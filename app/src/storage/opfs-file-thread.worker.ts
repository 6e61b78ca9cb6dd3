/// <reference lib="webworker" />
/** The OPFS file writer of a hash-and-store worker (opfs-file-thread.ts). */
import { fileThreadHandler } from './opfs-file-thread-handler.ts';
import type { FileThreadRequest } from './opfs-file-thread-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = fileThreadHandler((message, transfer = []) => scope.postMessage(message, transfer));
scope.onmessage = (event: MessageEvent<FileThreadRequest>) => handle(event.data);
