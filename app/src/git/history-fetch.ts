/**
 * "Fetch history" for a "latest only" clone through the clone's own path rather than
 * isomorphic-git's fetch (which holds the pack in memory several times over, capped at
 * FETCH_LIMIT_BYTES): one upload-pack request deepening every branch and tag to its first commit
 * — the commits `.git/shallow` lists sent as `shallow` and `have`, so the server leaves out the
 * latest files already here — the pack streamed into OPFS and indexed there by a worker
 * (pack-receive.worker.ts), its `.idx` stored last; then `.git/shallow` drops the commits the
 * server unshallowed, and the server's refs are written as a fetch writes them.
 */
import type { FsClient, HttpClient } from 'isomorphic-git';
import { packStreamingAvailable } from '../storage/git-packs.ts';
import { storedPacksOf } from '../storage/packed-fs.ts';
import type { Git } from './load-git.ts';
import { writeServerRefs } from './pack-clone.ts';
import { receivePackIntoStore } from './pack-receive-client.ts';
import { readServerRefs } from './server-refs.ts';

/** git's "no limit" depth (INFINITE_DEPTH in git's upload-pack): deepening by it fetches all history. */
export const ALL_HISTORY = 0x7fffffff;

interface PromiseFs {
  readFile(path: string, opts: { encoding: 'utf8' }): Promise<string>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export interface HistoryFetchOptions {
  git: Git;
  http: HttpClient;
  fs: FsClient;
  dir: string;
  url: string;
  headers: Record<string, string>;
  /** Largest pack accepted. */
  limitBytes: number;
  onProgress?: (p: { phase: string; loaded: number; total?: number }) => void;
}

/**
 * Deepens the repository on `fs` to its whole history. False, having fetched nothing, where
 * packs cannot stream into OPFS here (no workers or OPFS, or a file system not made by packedFs):
 * the caller fetches another way.
 */
export async function fetchHistoryIntoStore(opts: HistoryFetchOptions): Promise<boolean> {
  const { git, fs, dir, url, headers } = opts;
  const packs = storedPacksOf(fs);
  if (!packs || !packStreamingAvailable()) return false;
  const pfs = (fs as unknown as { promises: PromiseFs }).promises;
  const gitdir = `${dir.replace(/\/$/, '')}/.git`;
  const cut = (await pfs.readFile(`${gitdir}/shallow`, { encoding: 'utf8' }).catch(() => ''))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const server = await readServerRefs(git, opts.http, url, headers);
  const wants = [...server.branches.values(), ...server.tags.values(), ...server.exps.values()];
  if (wants.length === 0) return true;
  const received = await receivePackIntoStore(
    {
      url,
      headers,
      wants,
      depth: ALL_HISTORY,
      shallow: cut,
      haves: cut,
      limitBytes: opts.limitBytes,
      folderName: packs.folderName,
    },
    opts.onProgress,
  );
  if (!received) return false;
  await pfs.writeFile(`${gitdir}/objects/pack/pack-${received.packHash}.idx`, received.idx);
  const unshallowed = new Set(received.unshallow);
  const left = [...new Set([...cut.filter((oid) => !unshallowed.has(oid)), ...received.shallow])];
  if (left.length) await pfs.writeFile(`${gitdir}/shallow`, `${left.join('\n')}\n`);
  else await pfs.unlink(`${gitdir}/shallow`).catch(() => {});
  await writeServerRefs(git, fs, dir, server);
  return true;
}
