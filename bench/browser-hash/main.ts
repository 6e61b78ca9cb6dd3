/**
 * The page of bench/browser-hash.bench.ts. `hashPicked` runs the app's own hash-and-store
 * workers (hash-pool.ts), hashing only or hashing and storing in the data cache (`cache`:
 * `auto`, the app's OPFS store, or `indexeddb`, chunk rows as before);
 * stored objects are deleted afterwards so every run stores new data (`readBack`: the first
 * object is first read back through the store and hashed, to check the stored bytes). `probe` runs
 * probe.worker.ts, which times the parts (reading alone, MD5 alone) in one worker.
 */
import { createMD5 } from 'hash-wasm';
import { getBlobStore, objectId } from '../../app/src/storage/blobs.ts';
import { hashFiles } from '../../app/src/workers/hash-pool.ts';
import type { CacheBackend } from '../../app/src/workers/hash-store-protocol.ts';
import type { ProbeMode, ProbeResult } from './probe.worker.ts';

declare global {
  interface Window {
    hashPicked(
      inputId: string,
      workers: number,
      store: boolean,
      readBack?: boolean,
      cache?: CacheBackend,
    ): Promise<{ ms: number; bytes: number; first: string; files: number; firstReadBack?: string }>;
    probe(inputId: string, mode: ProbeMode): Promise<ProbeResult>;
  }
}

const picked = (inputId: string) => Array.from((document.getElementById(inputId) as HTMLInputElement).files ?? []);

/** The MD5 of a stored object, read back through the store (chunk rows as Uint8Array or Blob). */
async function storedMd5(id: ReturnType<typeof objectId>): Promise<string> {
  const md5 = await createMD5();
  md5.init();
  for await (const chunk of getBlobStore().chunks(id)) md5.update(chunk);
  return md5.digest('hex');
}

window.hashPicked = async (inputId, workers, store, readBack = false, cache = 'auto') => {
  const files = picked(inputId);
  const t0 = performance.now();
  const results = await hashFiles(files, { store, workers, cache });
  const ms = performance.now() - t0;
  let firstReadBack: string | undefined;
  if (store && readBack && results[0]) firstReadBack = await storedMd5(objectId('md5', results[0].md5));
  if (store) {
    // One call, a transaction per thousand objects (the delete is not timed): 10,000 single
    // deletes took 65–95 s per round, each its own strictly durable transaction.
    await getBlobStore().deleteMany(results.filter((r) => r.isNew).map((r) => objectId('md5', r.md5)));
  }
  return {
    ms,
    bytes: results.reduce((n, r) => n + r.size, 0),
    first: results[0]?.md5 ?? '',
    files: results.length,
    firstReadBack,
  };
};

let prober: Worker | undefined;
window.probe = (inputId, mode) => {
  prober ??= new Worker(new URL('./probe.worker.ts', import.meta.url), { type: 'module', name: 'probe' });
  const w = prober;
  return new Promise((resolve) => {
    w.onmessage = (e: MessageEvent<ProbeResult>) => resolve(e.data);
    w.postMessage({ mode, files: picked(inputId) });
  });
};
