/**
 * Harness page of clone-size.bench.ts: clones a repository with the app's own git code
 * (load-git.ts: isomorphic-git + its web HTTP client, wrapped by http-limit.ts) into a fresh
 * lightning-fs database, as app/src/git/clone.ts does, but with the size cap given by the
 * bench (none while measuring how far the browser gets).
 */
import FS from '@isomorphic-git/lightning-fs';
import { limitedHttp } from '../../app/src/git/http-limit.ts';
import { loadGit } from '../../app/src/git/load-git.ts';

export interface CloneResult {
  ms: number;
  /** Seconds spent in each isomorphic-git phase ("Receiving objects", "Analyzing workdir", …). */
  phases: Record<string, number>;
  files: number;
  bytes: number;
}

declare global {
  interface Window {
    cloneWithAppCode(url: string, fsName: string, limitBytes: number | null): Promise<CloneResult>;
    wipe(fsName: string): Promise<void>;
  }
}

window.cloneWithAppCode = async (url, fsName, limitBytes) => {
  const fs = new FS(fsName, { wipe: true });
  const { git, http } = await loadGit();
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let phase = '';
  let phaseStart = t0;
  const onProgress = (p: { phase: string }) => {
    if (p.phase === phase) return;
    const now = performance.now();
    if (phase) phases[phase] = (phases[phase] ?? 0) + (now - phaseStart) / 1000;
    phase = p.phase;
    phaseStart = now;
  };
  await git.clone({
    onProgress,
    fs,
    http: limitedHttp(http, limitBytes ?? Number.POSITIVE_INFINITY),
    dir: '/repo',
    url,
    singleBranch: false,
  });
  await fs.promises.flush();
  const ms = performance.now() - t0;
  if (phase) phases[phase] = (phases[phase] ?? 0) + (performance.now() - phaseStart) / 1000;
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
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(fsName);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
};
