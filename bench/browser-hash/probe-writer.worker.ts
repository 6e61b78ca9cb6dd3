/// <reference lib="webworker" />
/**
 * The write half of probe.worker.ts's `hash-store-split` mode: one OPFS file written through a
 * sync access handle, each piece's buffer handed back once written (a ring of transferred
 * buffers, so nothing is copied between the two workers).
 */
type Msg = { type: 'open'; name: string } | { type: 'write'; buffer: ArrayBuffer; length: number } | { type: 'finish' };

let handle: FileSystemSyncAccessHandle | null = null;
let at = 0;
const post = (m: unknown, t: Transferable[] = []) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m, t);

self.onmessage = async (event: MessageEvent<Msg>) => {
  const m = event.data;
  if (m.type === 'open') {
    const root = await navigator.storage.getDirectory();
    const file = await root.getFileHandle(m.name, { create: true });
    handle = await file.createSyncAccessHandle();
    at = 0;
    post({ type: 'opened' });
  } else if (m.type === 'write') {
    const h = handle as FileSystemSyncAccessHandle;
    const bytes = new Uint8Array(m.buffer, 0, m.length);
    for (let done = 0; done < bytes.byteLength; ) {
      const n = h.write(bytes.subarray(done), { at });
      done += n;
      at += n;
    }
    post({ type: 'written', buffer: m.buffer }, [m.buffer]);
  } else {
    handle?.flush();
    handle?.close();
    handle = null;
    post({ type: 'finished' });
  }
};
