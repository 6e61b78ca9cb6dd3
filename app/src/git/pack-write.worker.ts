/// <reference lib="webworker" />
/**
 * Writes a pack file in OPFS for the worker receiving it (pack-write-client.ts): writing to
 * disk blocks the thread that writes (a sync access handle's write returns once the bytes are
 * in the file, at the disk's pace when the system holds many unwritten pages), so here, on a
 * thread of its own, it overlaps the download and the indexing instead of stalling both.
 * Pieces arrive transferred and go back once written, so the receiver reuses them. The pack's
 * own checksum is taken here too (the SHA-1 of every byte but the trailer), on this thread
 * while it waits on the disk, instead of on the receiving thread's.
 */
import { createPackStreamChecksum } from '@cairn/core/git';
import { writeAllAt } from '../storage/opfs-files.ts';
import type { PackWriteReply, PackWriteRequest } from './pack-write-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let handle: FileSystemSyncAccessHandle | null = null;
let at = 0;
let checksum: Awaited<ReturnType<typeof createPackStreamChecksum>> | null = null;

function reply(message: PackWriteReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

async function handle_(m: PackWriteRequest): Promise<void> {
  if (m.type === 'open') {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(m.folderName, { create: true });
    const file = await dir.getFileHandle(m.name, { create: true });
    handle = await file.createSyncAccessHandle();
    checksum = await createPackStreamChecksum();
    at = 0;
    reply({ type: 'opened' });
  } else if (m.type === 'write') {
    const h = handle as FileSystemSyncAccessHandle;
    const bytes = new Uint8Array(m.piece, 0, m.length);
    checksum?.update(bytes);
    at = writeAllAt(h, bytes, at);
    reply({ type: 'written', piece: m.piece }, [m.piece]);
  } else if (m.type === 'finish') {
    const h = handle as FileSystemSyncAccessHandle;
    h.flush();
    h.close();
    handle = null;
    reply({ type: 'finished', bytes: at, checksum: (checksum as { digest(): Uint8Array }).digest() });
  } else {
    handle?.close();
    handle = null;
    reply({ type: 'closed' });
  }
}

// One message at a time, in order: each handled whole before the next (all but `open` are synchronous).
let queue = Promise.resolve();
scope.onmessage = (event: MessageEvent<PackWriteRequest>) => {
  queue = queue.then(() =>
    handle_(event.data).catch((error: unknown) => {
      const e = error as { name?: unknown; message?: unknown };
      reply({ type: 'failed', name: String(e?.name ?? 'Error'), message: String(e?.message ?? error) });
    }),
  );
};
