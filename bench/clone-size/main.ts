/**
 * Harness page of clone-size.bench.ts: clones a repository into a fresh lightning-fs database
 * with the app's clone code — `pack`: what app/src/git/clone.ts runs now (cloneInto in
 * pack-clone.ts: one upload-pack request, the pack indexed by a worker as it streams into OPFS),
 * `isomorphic-git`: the clone the app ran before (git.clone through http-limit.ts), kept as the
 * "before" figure — with the size cap given by the bench (none while measuring how far the
 * browser gets). Phases are timed from the clone's progress reports.
 */
import FS from '@isomorphic-git/lightning-fs';
import { limitedHttp } from '../../app/src/git/http-limit.ts';
import { loadGit } from '../../app/src/git/load-git.ts';
import { cloneInto } from '../../app/src/git/pack-clone.ts';
import { BatchedFileStore } from '../../app/src/storage/batched-file-store.ts';
import { StoredPacks } from '../../app/src/storage/git-packs.ts';
import { packedFs } from '../../app/src/storage/packed-fs.ts';

export type CloneMode = 'pack' | 'pack-latest-only' | 'isomorphic-git';

export interface CloneResult {
  ms: number;
  /** Seconds spent in each phase ("Receiving objects", "Indexing objects", "Analyzing workdir", …). */
  phases: Record<string, number>;
  files: number;
  bytes: number;
}

declare global {
  interface Window {
    cloneWithAppCode(url: string, fsName: string, limitBytes: number | null, mode: CloneMode): Promise<CloneResult>;
    wipe(fsName: string): Promise<void>;
  }
}

window.cloneWithAppCode = async (url, fsName, limitBytes, mode) => {
  await new StoredPacks(fsName).removeAll();
  // As the app opens a repository (repo-handle.ts): packs stream into OPFS and are read there,
  // file writes made together commit together.
  const fs = packedFs(new FS(fsName, { wipe: true, db: new BatchedFileStore(fsName, `${fsName}_files`) }), fsName);
  const { git, http } = await loadGit();
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let phase = '';
  let phaseStart = t0;
  const enter = (next: string) => {
    if (next === phase) return;
    const now = performance.now();
    if (phase) phases[phase] = (phases[phase] ?? 0) + (now - phaseStart) / 1000;
    phase = next;
    phaseStart = now;
  };
  const onProgress = (p: { phase: string }) => enter(p.phase);
  const limit = limitBytes ?? Number.POSITIVE_INFINITY;
  if (mode === 'isomorphic-git') {
    await git.clone({ onProgress, fs, http: limitedHttp(http, limit), dir: '/repo', url, singleBranch: false });
  } else {
    await cloneInto({
      git,
      http,
      fs,
      dir: '/repo',
      url,
      headers: {},
      initialBranch: 'main',
      limitBytes: limitBytes ?? 16 * 1024 ** 3,
      ...(mode === 'pack-latest-only' ? { depth: 1 } : {}),
      onProgress,
    });
  }
  enter('Saving files');
  await fs.promises.flush();
  enter('');
  const ms = performance.now() - t0;
  // What a user would check: the files are there, with their sizes.
  let files = 0;
  let bytes = 0;
  for (const name of await fs.promises.readdir('/repo/data')) {
    const stat = await fs.promises.stat(`/repo/data/${name}`);
    files++;
    bytes += stat.size;
  }
  return { ms, phases, files, bytes };
};

/** Drops a clone's database so the next size starts from an empty disk. */
window.wipe = async (fsName) => {
  await new StoredPacks(fsName).removeAll();
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(fsName);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
};
