/**
 * The storage page's scan of one repository: every data object its current commit uses, with
 * the paths that use it (`.dvc` outs, `dvc.lock` outs and the files of folder manifests), then
 * their stored sizes — against the baseline of the scan every data sync already makes
 * (`referencedObjects`: `.dvc` outs and manifest files, without paths), in this run. The
 * repository: 2,000 `.dvc` pointers in 40 folders, plus one folder of 20,000 files whose manifest
 * is cached; git in lightning-fs over fake-indexeddb (a stand-in for the browser's IndexedDB).
 */
import 'fake-indexeddb/auto';
import { measure, report } from './lib.ts';

(globalThis as { navigator?: unknown }).navigator ??= {};
const { createLocalRepo } = await import('../app/src/git/init.ts');
const { commitChanges } = await import('../app/src/git/commit.ts');
const { getBlobStore, objectId } = await import('../app/src/storage/blobs.ts');
const { referencedObjects } = await import('../app/src/sync/referenced-objects.ts');
const { repoDataObjects } = await import('../app/src/device-storage/repo-data-objects.ts');
const { cachedObjectsOf } = await import('../app/src/device-storage/device-scan.ts');
const { planDrop } = await import('../app/src/device-storage/drop-plan.ts');

const POINTERS = 2000;
const FOLDER_FILES = 20_000;
const hex = (n: number, salt: string) => `${salt}${n.toString(16).padStart(32 - salt.length, '0')}`;

const handle = await createLocalRepo('bench', 'scan', null);
const write: Record<string, string> = {};
for (let i = 0; i < POINTERS; i++) {
  write[`data/d${i % 40}/f${i}.csv.dvc`] =
    `outs:\n- md5: ${hex(i, 'a')}\n  size: 100\n  hash: md5\n  path: f${i}.csv\n`;
}
const manifest = JSON.stringify(
  Array.from({ length: FOLDER_FILES }, (_, i) => ({ md5: hex(i, 'b'), relpath: `img/${i}.png`, size: 10 })),
);
const dirOid = `${hex(1, 'c')}.dir`;
await getBlobStore().put(objectId('md5', dirOid), new TextEncoder().encode(manifest));
write['data/images.dvc'] =
  `outs:\n- md5: ${dirOid}\n  size: 200000\n  nfiles: ${FOLDER_FILES}\n  hash: md5\n  path: images\n`;
// A tenth of the files are on this device, as after opening some of them.
await getBlobStore().putMany(
  Array.from({ length: POINTERS / 10 }, (_, i) => ({
    id: objectId('md5', hex(i * 10, 'a')),
    bytes: new Uint8Array(100),
  })),
);
await commitChanges(handle, { write, message: 'Track data' });

const baseline = await measure('sync scan (referencedObjects)', () => referencedObjects(handle), { runs: 5 });
let found = 0;
const page = await measure(
  'storage page scan (paths + sizes)',
  async () => {
    const objects = await repoDataObjects(handle, getBlobStore());
    found = (await cachedObjectsOf(objects)).length;
  },
  { runs: 5 },
);
const objects = await cachedObjectsOf(await repoDataObjects(handle, getBlobStore()));
const plan = await measure(
  'drop plan of the cached objects',
  () => planDrop(objects, new Set(objects.map((o) => o.id))),
  {
    runs: 5,
  },
);
report(`Scanning a repository of ${POINTERS} pointers and a ${FOLDER_FILES}-file folder`, baseline, [page, plan], {
  'objects on this device': String(found),
});
