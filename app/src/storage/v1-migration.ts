/**
 * Moves schema-1 data-cache rows (named by oid alone) to schema-2 ids (`<algorithm>/<oid>`).
 * Schema 1 did not record the algorithm, and it held both kinds: objects added or fetched at
 * DVC 3 paths (md5) and legacy objects fetched at DVC 2 paths (md5-dos2unix, verified as such
 * by data-fetch). So each row's bytes are re-hashed both ways and the row is filed under every
 * algorithm whose hash is its oid (both when the bytes have nothing to normalise: one copy of
 * the chunks, two rows). A row whose bytes match neither (evicted or corrupt pieces) is dropped:
 * the object is fetched again when needed. Idempotent and safe to run from several tabs.
 */
import { FileHasher, type HashAlgorithm, type Md5Factory } from '@cairn/core/hash';
import { objectId } from './blob-store.ts';
import { type BlobRow, type CairnDb, chunkBytes } from './db.ts';

const ALGORITHMS: readonly HashAlgorithm[] = ['md5', 'md5-dos2unix'];

/** Which algorithms name `row`'s bytes by its oid (none when a piece is missing). */
async function algorithmsOf(db: CairnDb, row: BlobRow, md5: Md5Factory): Promise<HashAlgorithm[]> {
  const hashers = await Promise.all(ALGORITHMS.map(async (a) => new FileHasher(await md5(), a)));
  let whole = true;
  for (let index = 0; whole && index < row.chunks; index++) {
    const chunk = await db.chunks.get([row.key, index] as unknown as string);
    if (chunk) {
      const bytes = await chunkBytes(chunk);
      for (const h of hashers) h.push(bytes);
    } else whole = false;
  }
  // Finish both in any case: that hands their WebAssembly instances back for the next row.
  const digests = hashers.map((h) => h.finish().md5);
  const hex = row.oid.replace(/\.dir$/, '');
  return whole ? ALGORITHMS.filter((_, i) => digests[i] === hex) : [];
}

/**
 * Migrates every schema-1 row. Resolves with how many rows were moved (or dropped).
 * @example await migrateVersion1Rows(db, hashWasmMd5())
 */
export async function migrateVersion1Rows(db: CairnDb, md5: Md5Factory): Promise<number> {
  let moved = 0;
  // One row at a time: hashing reads the bytes outside any transaction (hash-wasm is async
  // to set up, and an IndexedDB transaction commits as soon as it waits on anything else).
  for (const oid of (await db.blobs.toCollection().primaryKeys()) as string[]) {
    const row = await db.blobs.get(oid);
    if (!row) continue; // another tab moved it meanwhile
    const algorithms = await algorithmsOf(db, row, md5);
    await db.transaction('rw', db.blobs, db.objects, db.chunks, async () => {
      const still = await db.blobs.get(oid);
      if (!still || still.key !== row.key) return;
      await db.blobs.delete(oid);
      let kept = false;
      for (const algorithm of algorithms) {
        const id = objectId(algorithm, oid);
        if (await db.objects.get(id)) continue; // already stored under the new scheme
        await db.objects.add({ id, key: row.key, size: row.size, chunks: row.chunks, addedAt: row.addedAt });
        kept = true;
      }
      if (!kept) await db.chunks.where('key').equals(row.key).delete();
    });
    moved++;
  }
  return moved;
}
