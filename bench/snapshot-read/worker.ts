/** The snapshot read, as the runs table's worker does it, timed step by step. */
import type { RunBlock } from '@cairn/core/runs';
import Dexie from 'dexie';
import { type ExperimentsDb, experimentsDb, readStoredBlocks } from '../../app/src/experiments/run-store.ts';
import { RunTableModel } from '../../app/src/experiments/run-table-model.ts';

export interface ReadTiming {
  totalMs: number;
  firstBlockMs: number;
  readMs: number;
  addMs: number;
  queryMs: number;
  cloneOneMs: number;
  blocks: number;
  blockBytes: number;
  note: string;
}

function bytesOf(v: unknown, seen = new Set<unknown>()): number {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? v.length * 2 + 8 : 8;
  if (v instanceof Blob) return v.size;
  if (seen.has(v)) return 0;
  seen.add(v);
  if (ArrayBuffer.isView(v)) return v.byteLength;
  let n = 0;
  for (const x of Object.values(v as object)) n += bytesOf(x, seen);
  return n;
}

/** readStoredBlocks as it was for format 1 (the blocks stored as they are), the baseline. */
function readFormat1(db: ExperimentsDb, repo: string, onBlock: (block: RunBlock) => void) {
  return db.transaction('r', db.runStamps, db.runBlocks, async () => {
    const version = (await db.runStamps.get(repo))?.version ?? 0;
    const head = await db.runBlocks.get([repo, -1]);
    if (!head || !('parts' in head) || head.version !== version) return null;
    const blocks: RunBlock[] = [];
    const asked: Promise<unknown>[] = [];
    for (let part = 0; part < head.parts; part++) asked.push(db.runBlocks.get([repo, part]));
    for (const a of asked) a.catch(() => {});
    for (let part = 0; part < head.parts; part++) {
      const row = (await asked[part]) as { block?: RunBlock } | undefined;
      if (!row?.block) return null;
      blocks.push(row.block);
      const b = row.block;
      Dexie.ignoreTransaction(() => onBlock(b));
    }
    return { blocks, version };
  });
}

/** The blocks read with IndexedDB alone (no Dexie): how long `result` (the deserialisation) takes. */
function rawRead(repo: string): Promise<ReadTiming> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('cairn-experiments');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const idb = open.result;
      const t0 = performance.now();
      const tx = idb.transaction('runBlocks', 'readonly');
      const store = tx.objectStore('runBlocks');
      const head = store.get([repo, -1]);
      let resultMs = 0;
      let firstBlockMs = 0;
      head.onsuccess = () => {
        const parts = (head.result as { parts: number }).parts;
        let left = parts;
        for (let part = 0; part < parts; part++) {
          const r = store.get([repo, part]);
          r.onsuccess = () => {
            const a = performance.now();
            if (!firstBlockMs) firstBlockMs = a - t0;
            void r.result;
            resultMs += performance.now() - a;
            if (--left === 0) {
              const readMs = performance.now() - t0;
              idb.close();
              resolve({
                totalMs: readMs,
                firstBlockMs,
                readMs,
                addMs: resultMs,
                queryMs: 0,
                cloneOneMs: 0,
                blocks: parts,
                blockBytes: 0,
                note: '(add = time in .result)',
              });
            }
          };
        }
      };
    };
  });
}

self.onmessage = async (e: MessageEvent<{ repo: string; mode: string }>) => {
  try {
    if (e.data.mode.startsWith('raw')) {
      self.postMessage(await rawRead(e.data.repo));
      return;
    }
    const { repo } = e.data;
    const db = experimentsDb();
    await db.open();
    const model = new RunTableModel();
    let addMs = 0;
    let firstBlockMs = 0;
    const t0 = performance.now();
    const onBlock = (block: RunBlock) => {
      const a = performance.now();
      if (!firstBlockMs) firstBlockMs = a - t0;
      model.add(block);
      addMs += performance.now() - a;
    };
    const got =
      e.data.mode === 'format-1' ? await readFormat1(db, repo, onBlock) : await readStoredBlocks(db, repo, onBlock);
    const readMs = performance.now() - t0;
    if (!got) throw new Error('no snapshot');
    const q0 = performance.now();
    model.query({ filter: '', sort: null, direction: 'desc', summary: 'last' });
    const queryMs = performance.now() - q0;
    const totalMs = performance.now() - t0;
    // One block's stored row as read (what IndexedDB deserialises), cloned in memory.
    const row = await db.runBlocks.get([repo, 1]);
    const c0 = performance.now();
    structuredClone(row);
    const cloneOneMs = performance.now() - c0;
    const blockBytes = bytesOf(row);
    self.postMessage({
      totalMs,
      firstBlockMs,
      readMs,
      addMs,
      queryMs,
      cloneOneMs,
      blocks: got.blocks.length,
      blockBytes,
      note: '',
    } satisfies ReadTiming);
  } catch (err) {
    self.postMessage({ error: String(err instanceof Error ? err.stack : err) });
  }
};
