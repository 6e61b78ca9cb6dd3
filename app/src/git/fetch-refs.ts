/**
 * Brings every branch, tag and DVC experiment ref of the server onto this device, as a clone
 * and every later sync do. Branches land as `refs/remotes/origin/*` (read-refs.ts lists them as
 * branches), tags as `refs/tags/*`, experiments as `refs/exps/*` (what `dvc exp push` writes).
 *
 * Why experiments are fetched one by one: isomorphic-git honours several `remote.origin.fetch`
 * refspecs when it writes refs, but before that `fetch` drops every advertised ref outside
 * HEAD, `refs/heads/` and `refs/tags/` — a `+refs/exps/*:refs/exps/*` refspec never sees them.
 * A single-ref fetch of an experiment's full name does reach it; we then write the ref.
 * Only experiments whose commit is not here yet cost a request. Every fetch goes through
 * advertised-head.ts, so a server whose HEAD dangles can still be fetched from.
 *
 * The branch opened by default is recorded in the repository's config (`cairn.defaultbranch`),
 * with `cairn.headfallback` set when the server's HEAD named no existing branch, so the views
 * can say that they chose one.
 */
import type { FsClient, HttpClient } from 'isomorphic-git';
import { withAdvertisedHead } from './advertised-head.ts';
import type { Git } from './load-git.ts';
import { pickDefaultBranch, readServerRefs, type ServerRefs } from './server-refs.ts';

export interface FetchAllOptions {
  git: Git;
  http: HttpClient;
  fs: FsClient;
  dir: string;
  url: string;
  headers: Record<string, string>;
  /** The branch to ask for first (the one checked out); any branch on the server works. */
  preferBranch?: string | null;
  /** The default branch the server's JSON API names, if it was asked. */
  apiDefault?: string | null;
  onProgress?: (p: { phase: string; loaded: number; total?: number }) => void;
}

export interface FetchAllOutcome {
  server: ServerRefs;
  /** The branch to open: see pickDefaultBranch. Null when the server has no branch. */
  defaultBranch: string | null;
  /** The server has branches but its HEAD names none of them: `defaultBranch` was chosen here. */
  headFallback: boolean;
}

export const CONFIG_DEFAULT_BRANCH = 'cairn.defaultbranch';
export const CONFIG_HEAD_FALLBACK = 'cairn.headfallback';

export async function fetchAllRefs(opts: FetchAllOptions): Promise<FetchAllOutcome> {
  const { git, http, fs, dir, url, headers } = opts;
  const server = await readServerRefs(git, http, url, headers);
  const defaultBranch = pickDefaultBranch(server, opts.apiDefault ?? null);
  const anchor =
    opts.preferBranch && server.branches.has(opts.preferBranch)
      ? `refs/heads/${opts.preferBranch}`
      : defaultBranch
        ? `refs/heads/${defaultBranch}`
        : server.tags.size
          ? `refs/tags/${[...server.tags.keys()].sort()[0]}`
          : null;
  if (anchor) {
    // Not single-branch: every branch and tag comes in one pack; prune drops branches the
    // server deleted.
    await git.fetch({
      fs,
      http: withAdvertisedHead(http, anchor),
      dir,
      url,
      remote: 'origin',
      ref: anchor,
      remoteRef: anchor,
      singleBranch: false,
      tags: true,
      prune: true,
      headers,
      ...(opts.onProgress
        ? {
            onProgress: (p: { phase: string; loaded: number; total?: number }) =>
              opts.onProgress?.({ phase: p.phase, loaded: p.loaded, ...(p.total ? { total: p.total } : {}) }),
          }
        : {}),
    });
  }
  await fetchExperiments(opts, server.exps);
  const headFallback = server.head === null && server.branches.size > 0;
  await git.setConfig({ fs, dir, path: CONFIG_DEFAULT_BRANCH, value: defaultBranch ?? '' });
  await git.setConfig({ fs, dir, path: CONFIG_HEAD_FALLBACK, value: headFallback ? 'true' : 'false' });
  return { server, defaultBranch, headFallback };
}

/** Makes local `refs/exps/*` equal the server's: new and moved ones fetched, removed ones dropped. */
async function fetchExperiments(opts: FetchAllOptions, remote: Map<string, string>): Promise<void> {
  const { git, http, fs, dir, url, headers } = opts;
  const local = await localExperimentRefs(git, fs, dir);
  for (const [ref, oid] of remote) {
    if (local.get(ref) === oid) continue;
    const have = await git.readCommit({ fs, dir, oid }).then(
      () => true,
      () => false,
    );
    if (!have) {
      await git.fetch({
        fs,
        http: withAdvertisedHead(http, ref),
        dir,
        url,
        remote: 'origin',
        ref,
        remoteRef: ref,
        singleBranch: true,
        tags: false,
        headers,
      });
    }
    await git.writeRef({ fs, dir, ref, value: oid, force: true });
  }
  for (const ref of local.keys()) {
    if (!remote.has(ref)) await git.deleteRef({ fs, dir, ref }).catch(() => {});
  }
}

/** Local experiment refs, full name → commit. */
export async function localExperimentRefs(git: Git, fs: FsClient, dir: string): Promise<Map<string, string>> {
  const names = await git.listRefs({ fs, dir, filepath: 'refs/exps' }).catch(() => [] as string[]);
  const out = new Map<string, string>();
  for (const name of names) {
    const ref = name.startsWith('refs/') ? name : `refs/exps/${name}`;
    const oid = await git.resolveRef({ fs, dir, ref }).catch(() => null);
    if (oid) out.set(ref, oid);
  }
  return out;
}
