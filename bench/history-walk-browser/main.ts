/**
 * The history-walk bench's page: the bench repository's .git copied into lightning-fs (the
 * app's file system, on this browser's IndexedDB), then the app's reads timed in the page.
 */
import LightningFS from '@isomorphic-git/lightning-fs';
import type { FsClient } from 'isomorphic-git';
import { type BrowserPart, coreReads } from './core-reads.ts';

declare global {
  interface Window {
    /** Copies the repository's .git files (paths below .git, served at /git/) into lightning-fs. */
    loadRepo(files: string[]): Promise<void>;
    /** One fresh-reader run of a part: its time in the page and its answer (a count or a length). */
    historyRun(part: BrowserPart, blobs?: string[]): Promise<{ ms: number; answer: number }>;
  }
}

const lfs = new LightningFS('bench-history', { wipe: true });
const fs = lfs as unknown as FsClient;

window.loadRepo = async (files) => {
  const made = new Set<string>();
  const mkdirs = async (path: string) => {
    const parts = path.split('/');
    for (let i = 2; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (made.has(dir)) continue;
      await lfs.promises.mkdir(dir).catch(() => {});
      made.add(dir);
    }
  };
  for (const f of files) {
    const bytes = new Uint8Array(await (await fetch(`/git/${f}`)).arrayBuffer());
    const to = `/repo/.git/${f}`;
    await mkdirs(to);
    await lfs.promises.writeFile(to, bytes);
  }
};

window.historyRun = async (part, blobs = []) => {
  const reads = coreReads(fs, '/repo');
  const t0 = performance.now();
  let answer: number;
  if (part === 'log') answer = (await reads.log()).length;
  else if (part === 'logWithCounts') answer = await reads.logWithCounts();
  else if (part === 'firstPage') answer = await reads.firstPage();
  else if (part === 'listTree') answer = (await reads.listTree()).length;
  else answer = await reads.readBlobs(blobs);
  return { ms: performance.now() - t0, answer };
};
