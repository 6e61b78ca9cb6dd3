/**
 * A clone's download, done as `git clone` does it rather than through isomorphic-git's fetch
 * (which holds the pack several times over while it indexes it): the server's refs, then one
 * upload-pack request for every branch, tag and DVC experiment (upload-pack.ts), the pack
 * indexed (core's indexPack, what `git index-pack` does), and the pack and its `.idx` stored as
 * they are — objects stay packed; core's reader and isomorphic-git both read packs.
 *
 * In a browser with OPFS, on a file system made by packedFs (every repository's), the pack
 * streams into an OPFS file in a worker and is indexed there as it arrives (pack-receive.worker.ts,
 * core's PackStreamIndexer, as `git index-pack --stdin`): the page
 * never holds it, so a clone is bounded by disk, not memory. Elsewhere (Node tests) it is received
 * into memory and written into the file system. The checkout reads the pack by range (or from
 * memory) with core's reader (fresh-checkout.ts). Then the refs: branches as
 * `refs/remotes/origin/*`, tags, experiments, and the repository's default branch in its config,
 * exactly as fetch-refs.ts leaves them after a fetch.
 *
 * With `depth`, only that many commits of history come (a "latest only" clone): the commits
 * the server cut at are listed in `.git/shallow`, as git and isomorphic-git expect, and
 * history is fetched later on demand (deepenHistory in remote-sync.ts).
 */
import type { GitObjectFiles } from '@cairn/core/git';
import type { FsClient, HttpClient } from 'isomorphic-git';
import { packStreamingAvailable } from '../storage/git-packs.ts';
import { storedPacksOf } from '../storage/packed-fs.ts';
import { CONFIG_DEFAULT_BRANCH, CONFIG_HEAD_FALLBACK, type FetchAllOutcome } from './fetch-refs.ts';
import { freshCheckout } from './fresh-checkout.ts';
import type { Git } from './load-git.ts';
import { objectFilesOn } from './object-files.ts';
import { indexPackOffThread } from './pack-index-client.ts';
import { receivePackIntoStore } from './pack-receive-client.ts';
import { pickDefaultBranch, readServerRefs, type ServerRefs } from './server-refs.ts';
import { fetchPack } from './upload-pack.ts';

export interface PackCloneOptions {
  git: Git;
  /** For the ref advertisement (small); the pack itself is fetched by upload-pack.ts. */
  http: HttpClient;
  fs: FsClient;
  dir: string;
  url: string;
  headers: Record<string, string>;
  apiDefault?: string | null;
  /** Commits of history to fetch; absent for all of it. */
  depth?: number;
  /** Largest pack accepted. */
  limitBytes: number;
  onProgress?: (p: { phase: string; loaded: number; total?: number }) => void;
}

export interface PackCloneOutcome extends FetchAllOutcome {
  /** Commits whose parents were not fetched (empty for a full clone). */
  shallow: string[];
  /** Bytes of the pack stored. */
  packBytes: number;
}

interface PromiseFs {
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
}

/**
 * A whole clone into an empty folder on `fs`: git init, the remote, the pack and refs
 * (clonePackAndRefs), then the default branch checked out (a local branch tracking origin's,
 * and the working tree).
 */
export async function cloneInto(opts: PackCloneOptions & { initialBranch: string }): Promise<PackCloneOutcome> {
  const { git, fs, dir, url } = opts;
  await git.init({ fs, dir, defaultBranch: opts.initialBranch });
  await git.addRemote({ fs, dir, remote: 'origin', url, force: true });
  const { objects, ...outcome } = await clonePackAndRefs(opts);
  if (outcome.defaultBranch) {
    await freshCheckout({
      git,
      fs,
      dir,
      branch: outcome.defaultBranch,
      objects,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  }
  return outcome;
}

/** The outcome, and the repository's object files for the checkout (the pack still in memory where it was received there). */
export async function clonePackAndRefs(
  opts: PackCloneOptions,
): Promise<PackCloneOutcome & { objects: GitObjectFiles }> {
  const { git, fs, dir, url, headers } = opts;
  const pfs = (fs as unknown as { promises: PromiseFs }).promises;
  const gitdir = `${dir.replace(/\/$/, '')}/.git`;
  const server = await readServerRefs(git, opts.http, url, headers);
  const defaultBranch = pickDefaultBranch(server, opts.apiDefault ?? null);
  const wants = [...server.branches.values(), ...server.tags.values(), ...server.exps.values()];
  let shallow: string[] = [];
  let packBytes = 0;
  const stored = objectFilesOn(fs);
  let objects = stored;
  const packs = storedPacksOf(fs);
  if (wants.length) {
    const request = {
      url,
      headers,
      wants,
      limitBytes: opts.limitBytes,
      ...(opts.depth ? { depth: opts.depth } : {}),
    };
    const progress = (p: { phase: string; loaded: number; total?: number }) =>
      opts.onProgress?.({ phase: p.phase, loaded: p.loaded, ...(p.total === undefined ? {} : { total: p.total }) });
    const streamed =
      packs && packStreamingAvailable()
        ? await receivePackIntoStore({ ...request, folderName: packs.folderName }, progress)
        : null;
    let idxPath: string;
    let idx: Uint8Array;
    if (streamed) {
      shallow = streamed.shallow;
      packBytes = streamed.bytes;
      idx = streamed.idx;
      idxPath = `${gitdir}/objects/pack/pack-${streamed.packHash}.idx`;
    } else {
      const received = await fetchPack({ ...request, onProgress: progress });
      shallow = received.shallow;
      packBytes = received.pack.length;
      const indexed = await indexPackOffThread(received.pack, progress, received.checksum);
      const packPath = `${gitdir}/objects/pack/pack-${indexed.packHash}.pack`;
      idx = indexed.idx;
      idxPath = packPath.replace(/\.pack$/, '.idx');
      // The pack before its index: readers take an index as the sign that its pack is whole.
      await pfs.writeFile(packPath, indexed.pack);
      const inMemory = new Map([
        [packPath, indexed.pack],
        [idxPath, indexed.idx],
      ]);
      objects = {
        ...stored,
        read: async (path) => inMemory.get(path) ?? stored.read(path),
        openPack: async (path) => inMemory.get(path) ?? stored.read(path),
      };
    }
    await pfs.writeFile(idxPath, idx);
    if (shallow.length) await pfs.writeFile(`${gitdir}/shallow`, `${shallow.join('\n')}\n`);
  }
  await writeServerRefs(git, fs, dir, server);
  const headFallback = server.head === null && server.branches.size > 0;
  await git.setConfig({ fs, dir, path: CONFIG_DEFAULT_BRANCH, value: defaultBranch ?? '' });
  await git.setConfig({ fs, dir, path: CONFIG_HEAD_FALLBACK, value: headFallback ? 'true' : 'false' });
  return { server, defaultBranch, headFallback, shallow, packBytes, objects };
}

/** The server's refs as a fetch leaves them: branches as `refs/remotes/origin/*`, tags, experiments. */
export async function writeServerRefs(git: Git, fs: FsClient, dir: string, server: ServerRefs): Promise<void> {
  for (const [name, oid] of server.branches) {
    await git.writeRef({ fs, dir, ref: `refs/remotes/origin/${name}`, value: oid, force: true });
  }
  for (const [name, oid] of server.tags)
    await git.writeRef({ fs, dir, ref: `refs/tags/${name}`, value: oid, force: true });
  for (const [ref, oid] of server.exps) await git.writeRef({ fs, dir, ref, value: oid, force: true });
}
