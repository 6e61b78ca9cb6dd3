/**
 * The history-walk bench's page: the bench repository's .git copied into this browser, in the
 * two layouts the app reads, then the app's reads timed in the page:
 * - `lightning-fs`: every file in lightning-fs on IndexedDB (clones made before packs moved to
 *   OPFS; a pack is read out of IndexedDB whole);
 * - `opfs-packs`: packs in OPFS read by range (packedFs, as a new clone stores them), every other
 *   file in lightning-fs.
 */
import LightningFS from '@isomorphic-git/lightning-fs';
import type { FsClient } from 'isomorphic-git';
import { objectFilesOn } from '../../app/src/git/object-files.ts';
import { packFolderName } from '../../app/src/storage/git-packs.ts';
import { packedFs } from '../../app/src/storage/packed-fs.ts';
import { type BrowserPart, coreReads, sessionFiles } from './core-reads.ts';

export type RepoLayout = 'lightning-fs' | 'opfs-packs';
/** fresh: a reader that opens the repository's storage; session: one over storage already open. */
export type ReaderKind = 'fresh' | 'session';

declare global {
  interface Window {
    /** Copies the repository's .git files (paths below .git, served at /git/) into both layouts. */
    loadRepo(files: string[]): Promise<void>;
    /** One fresh-reader run of a part: its time in the page and its answer (a count or a length). */
    historyRun(
      part: BrowserPart,
      blobs?: string[],
      layout?: RepoLayout,
      kind?: ReaderKind,
    ): Promise<{ ms: number; answer: number }>;
  }
}

const PLAIN = 'bench-history';
const PACKED = 'bench-history-packed';
const plain = new LightningFS(PLAIN, { wipe: true });
const packedFiles = new LightningFS(PACKED, { wipe: true });
const filesOf: Record<RepoLayout, FsClient> = {
  'lightning-fs': plain as unknown as FsClient,
  'opfs-packs': packedFs(packedFiles, PACKED) as unknown as FsClient,
};

async function mkdirs(fs: LightningFS, made: Set<string>, path: string): Promise<void> {
  const parts = path.split('/');
  for (let i = 2; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (made.has(dir)) continue;
    await fs.promises.mkdir(dir).catch(() => {});
    made.add(dir);
  }
}

window.loadRepo = async (files) => {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(packFolderName(PACKED), { recursive: true }).catch(() => {});
  const packDir = await root.getDirectoryHandle(packFolderName(PACKED), { create: true });
  const madePlain = new Set<string>();
  const madePacked = new Set<string>();
  for (const f of files) {
    const bytes = new Uint8Array(await (await fetch(`/git/${f}`)).arrayBuffer());
    const to = `/repo/.git/${f}`;
    await mkdirs(plain, madePlain, to);
    await plain.promises.writeFile(to, bytes);
    const pack = /^objects\/pack\/(pack-[0-9a-f]{40}\.pack)$/.exec(f)?.[1];
    if (pack) {
      const writable = await (await packDir.getFileHandle(pack, { create: true })).createWritable();
      await writable.write(bytes);
      await writable.close();
    } else {
      await mkdirs(packedFiles, madePacked, to);
      await packedFiles.promises.writeFile(to, bytes);
    }
  }
};

/** Each layout's storage as a repository session holds it, opened by its first session run. */
const sessions = {
  'lightning-fs': sessionFiles(objectFilesOn(filesOf['lightning-fs'])),
  'opfs-packs': sessionFiles(objectFilesOn(filesOf['opfs-packs'])),
};

window.historyRun = async (part, blobs = [], layout = 'lightning-fs', kind = 'fresh') => {
  const reads = coreReads(filesOf[layout], '/repo', kind === 'session' ? sessions[layout] : undefined);
  const t0 = performance.now();
  let answer: number;
  if (part === 'log') answer = (await reads.log()).length;
  else if (part === 'logWithCounts') answer = await reads.logWithCounts();
  else if (part === 'firstPage') answer = await reads.firstPage();
  else if (part === 'listTree') answer = (await reads.listTree()).length;
  else answer = await reads.readBlobs(blobs);
  return { ms: performance.now() - t0, answer };
};
