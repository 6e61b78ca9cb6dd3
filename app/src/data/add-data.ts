/**
 * Adding data as `dvc add` + `git commit` do: every file is hashed and stored in the data
 * cache by the hash-and-store workers; a folder also gets its `.dir` manifest; then the `.dvc`
 * pointers and `.gitignore` lines are written and committed with the user's message, and
 * lightning-fs is flushed. A cancel or failure before the commit removes the objects this run
 * stored and writes nothing to the repository: nothing is ever half-added.
 */
import { CairnError } from '@cairn/core/errors';
import { dirHash, hashWasmMd5 } from '@cairn/core/hash';
import { commitChanges, readWorkFile } from '../git/commit.ts';
import { getBlobStore, objectId } from '../storage/blobs.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { HashCancelledError, HashFailedError, hashFiles } from '../workers/hash-pool.ts';
import { type AddedOut, dvcFileText, gitignoreWith, isAddablePath } from './dvc-out.ts';

/** One thing to add: a single file, or a folder of files (relpaths inside it, POSIX). */
export type AddTarget =
  | { kind: 'file'; path: string; file: Blob }
  | { kind: 'folder'; path: string; files: Array<{ relpath: string; file: Blob }> };

export interface AddProgress {
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second since the start. */
  rate: number;
  /** Seconds left at that rate, or null before it is known. */
  etaSeconds: number | null;
  phase: 'hashing' | 'committing' | 'done';
}

export interface AddResult {
  commit: string;
  outs: Array<AddedOut & { dvcPath: string }>;
}

export class AddDataError extends CairnError<
  'invalid_path' | 'already_tracked' | 'empty' | 'cancelled' | 'hash_failed' | 'storage_full'
> {
  constructor(
    code: 'invalid_path' | 'already_tracked' | 'empty' | 'cancelled' | 'hash_failed' | 'storage_full',
    message: string,
  ) {
    super(code, message);
    this.name = 'AddDataError';
  }
}

function splitPath(path: string): { folder: string; name: string } {
  const at = path.lastIndexOf('/');
  return at < 0 ? { folder: '', name: path } : { folder: path.slice(0, at), name: path.slice(at + 1) };
}

const inFolder = (folder: string, name: string) => (folder ? `${folder}/${name}` : name);

async function validate(handle: RepoHandle, targets: readonly AddTarget[]): Promise<void> {
  if (targets.length === 0) throw new AddDataError('empty', 'Nothing to add.');
  const seen = new Set<string>();
  for (const t of targets) {
    if (!isAddablePath(t.path))
      throw new AddDataError('invalid_path', `"${t.path}" is not a path inside the repository.`);
    if (seen.has(t.path)) throw new AddDataError('invalid_path', `"${t.path}" is added twice.`);
    seen.add(t.path);
    if (t.kind === 'folder') {
      if (t.files.length === 0) throw new AddDataError('empty', `The folder "${t.path}" has no files.`);
      for (const f of t.files) {
        if (!isAddablePath(f.relpath))
          throw new AddDataError('invalid_path', `"${f.relpath}" is not a valid file path.`);
      }
    }
    // Data replaces nothing git already tracks at that path (dvc add refuses that too).
    const { loadGit } = await import('../git/load-git.ts');
    const { git } = await loadGit();
    const tracked = await git.listFiles({ fs: handle.fs, dir: handle.dir });
    if (tracked.some((p) => p === t.path || p.startsWith(`${t.path}/`))) {
      throw new AddDataError(
        'already_tracked',
        `"${t.path}" is tracked by git; remove it from git before adding it as data.`,
      );
    }
  }
}

/**
 * Adds files and folders to a repository and commits.
 * @example await addData(handle, [{ kind: 'folder', path: 'data/images', files }], 'Add images', { onProgress })
 */
export async function addData(
  handle: RepoHandle,
  targets: readonly AddTarget[],
  message: string,
  options: { onProgress?: (p: AddProgress) => void; signal?: AbortSignal } = {},
): Promise<AddResult> {
  await validate(handle, targets);
  const blobs = getBlobStore();
  const files: Blob[] = [];
  for (const t of targets) {
    if (t.kind === 'file') files.push(t.file);
    else for (const f of t.files) files.push(f.file);
  }
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  const started = performance.now();
  let bytesDone = 0;
  const report = (phase: AddProgress['phase']) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? bytesDone / seconds : 0;
    options.onProgress?.({
      bytesDone,
      bytesTotal,
      rate,
      etaSeconds: rate > 0 ? (bytesTotal - bytesDone) / rate : null,
      phase,
    });
  };
  report('hashing');

  const stored: string[] = [];
  const undo = async () => {
    await blobs.deleteMany(stored.map((oid) => objectId('md5', oid))).catch(() => {});
  };
  try {
    let hashed: Awaited<ReturnType<typeof hashFiles>>;
    try {
      hashed = await hashFiles(files, {
        store: true,
        signal: options.signal,
        onBytes: (n) => {
          bytesDone += n;
          report('hashing');
        },
      });
    } catch (error) {
      if (error instanceof HashCancelledError) {
        stored.push(...error.newlyStored);
        throw new AddDataError('cancelled', 'Cancelled: nothing was added.');
      }
      if (error instanceof HashFailedError) {
        stored.push(...error.newlyStored);
        // A full disk is not a bad file: say what happened, and that nothing was added.
        if (error.reason === 'storage_full') {
          throw new AddDataError('storage_full', `${error.message} Nothing was added; your earlier data is intact.`);
        }
        throw new AddDataError('hash_failed', `Could not read a file: ${error.message}`);
      }
      throw error;
    }
    for (const h of hashed) if (h.isNew) stored.push(h.md5);

    const outs: Array<AddedOut & { dvcPath: string }> = [];
    const write: Record<string, string> = {};
    const gitignores = new Map<string, string>();
    let at = 0;
    for (const t of targets) {
      const { folder, name } = splitPath(t.path);
      let out: AddedOut;
      if (t.kind === 'file') {
        const h = hashed[at++];
        if (!h) throw new Error('hash result missing');
        out = { name, oid: h.md5, size: h.size };
      } else {
        const entries = t.files.map((f) => {
          const h = hashed[at++];
          if (!h) throw new Error('hash result missing');
          return { relpath: f.relpath, md5: h.md5, size: h.size };
        });
        const manifest = await dirHash(entries, hashWasmMd5());
        if (await blobs.put(objectId('md5', manifest.oid), manifest.bytes)) stored.push(manifest.oid);
        out = { name, oid: manifest.oid, size: manifest.size ?? 0, nfiles: manifest.nfiles };
      }
      const dvcPath = `${t.path}.dvc`;
      write[dvcPath] = dvcFileText(out);
      const ignorePath = inFolder(folder, '.gitignore');
      const before = gitignores.get(ignorePath) ?? (await readWorkFile(handle, ignorePath));
      gitignores.set(ignorePath, gitignoreWith(before, name));
      outs.push({ ...out, dvcPath });
    }
    for (const [path, text] of gitignores) write[path] = text;
    if (options.signal?.aborted) throw new AddDataError('cancelled', 'Cancelled: nothing was added.');

    report('committing');
    const commit = await commitChanges(handle, { write, message });
    report('done');
    const { markPending } = await import('../sync/engine.ts');
    await markPending(handle.id);
    return { commit, outs };
  } catch (error) {
    await undo();
    throw error;
  }
}
