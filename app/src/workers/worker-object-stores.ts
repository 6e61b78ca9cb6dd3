/**
 * A worker's git object stores, one per repository on this device (a lightning-fs database and a
 * folder in it), made on first use and kept for the worker's life so pack indexes and decoded
 * trees survive between requests. Each `open` re-lists the packs, so objects a pull wrote since
 * the last request are seen; `forget` drops a store after a failure so the next request starts
 * clean.
 */
import { GitObjectStore } from '@cairn/core/git';
import FS from '@isomorphic-git/lightning-fs';
import { inflateZlib, objectFilesOn } from '../git/object-files.ts';
import { packedFs } from '../storage/packed-fs.ts';

export function makeWorkerObjectStores() {
  const stores = new Map<string, GitObjectStore>();
  const keyOf = (fsName: string, dir: string) => `${fsName}\0${dir}`;
  return {
    open(fsName: string, dir: string): GitObjectStore {
      const key = keyOf(fsName, dir);
      let store = stores.get(key);
      if (!store) {
        store = new GitObjectStore(
          objectFilesOn(packedFs(new FS(fsName), fsName)),
          `${dir.replace(/\/$/, '')}/.git`,
          inflateZlib,
        );
        stores.set(key, store);
      }
      store.refresh();
      return store;
    },
    forget(fsName: string, dir: string): void {
      stores.delete(keyOf(fsName, dir));
    },
  };
}
