/**
 * Moves objects whose bytes are IndexedDB chunk rows (every cache written before the OPFS store,
 * and writes made on the main thread since) into OPFS files, without downloading anything:
 * objects stay readable from their chunk rows until moved (OpfsBlobStore reads both). Per
 * object: its chunks are copied into a new file and hashed on the way, the file is flushed,
 * and one transaction points the row(s) at the file and drops the chunks — only if the bytes
 * hash to the id (a row whose chunks are missing or corrupt is dropped, as the v1 migration
 * does: the object is fetched again when needed) and the row was not changed meanwhile.
 * Runs in a dedicated worker (opfs-move.worker.ts), one tab at a time (a Web Lock).
 */
import { FileHasher, type HashAlgorithm, type Md5Factory } from '@cairn/core/hash';
import { type CairnDb, chunkBytes, type ObjectRow } from './db.ts';
import { type OpfsBlobStore, opfsKey } from './opfs-blob-store.ts';

export interface MoveProgress {
  /** Objects moved (or dropped as unreadable) so far, of `total` found in chunk rows. */
  done: number;
  total: number;
  bytes: number;
}

const algorithmOf = (row: ObjectRow) => row.id.slice(0, row.id.indexOf('/')) as HashAlgorithm;
const hexOf = (row: ObjectRow) => row.id.slice(row.id.indexOf('/') + 1).replace(/\.dir$/, '');

/**
 * Moves every chunk-row object of `store`'s database into OPFS (the store must write to OPFS:
 * a dedicated worker). Resolves with the final progress.
 * @example await moveChunksToOpfs(store, hashWasmMd5(), (p) => console.log(p.done, p.total))
 */
export async function moveChunksToOpfs(
  store: OpfsBlobStore,
  md5: Md5Factory,
  onProgress: (progress: MoveProgress) => void = () => {},
): Promise<MoveProgress> {
  if (!store.writesToOpfs) throw new Error('Moving data objects into OPFS needs a dedicated worker.');
  await store.dexie.ready();
  const db: CairnDb = store.db;
  // Rows sharing a key (one copy valid under both algorithms, v1-migration.ts) move together.
  const byKey = new Map<string, ObjectRow[]>();
  await db.objects.each((row) => {
    if (row.place === 'opfs') return;
    byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
  });
  const progress: MoveProgress = { done: 0, total: [...byKey.values()].reduce((n, r) => n + r.length, 0), bytes: 0 };
  onProgress({ ...progress });
  for (const [key, rows] of byKey) {
    const first = rows[0] as ObjectRow;
    const file = store.files.create(crypto.randomUUID());
    const algorithms = [...new Set(rows.map(algorithmOf))];
    const hashers = await Promise.all(algorithms.map(async (a) => new FileHasher(await md5(), a)));
    let whole = true;
    let size = 0;
    try {
      for (let index = 0; whole && index < first.chunks; index++) {
        const chunk = await db.chunks.get([key, index] as unknown as string);
        if (!chunk) {
          whole = false;
          break;
        }
        const bytes = await chunkBytes(chunk);
        for (const h of hashers) h.push(bytes);
        await file.write(bytes);
        size += bytes.byteLength;
      }
      await file.finish();
    } catch (error) {
      await file.discard().catch(() => {});
      for (const h of hashers) h.finish(); // hands the WebAssembly instances back
      throw error;
    }
    const digests = new Map(algorithms.map((a, i) => [a, (hashers[i] as FileHasher).finish().md5]));
    const good = new Set(
      rows.filter((r) => whole && size === r.size && digests.get(algorithmOf(r)) === hexOf(r)).map((r) => r.id),
    );
    const moved = await db.transaction('rw', db.objects, db.chunks, async () => {
      let pointed = 0;
      for (const row of rows) {
        const still = await db.objects.get(row.id);
        if (!still || still.key !== key) continue; // deleted or replaced meanwhile
        if (good.has(row.id)) {
          await db.objects.put({ ...still, key: opfsKey(file.name, 0), chunks: 0, place: 'opfs' });
          pointed++;
        } else await db.objects.delete(row.id);
      }
      if ((await db.objects.where('key').equals(key).count()) === 0) await db.chunks.where('key').equals(key).delete();
      return pointed;
    });
    if (moved === 0) await store.files.remove(file.name);
    progress.done += rows.length;
    progress.bytes += size;
    onProgress({ ...progress });
  }
  return progress;
}
