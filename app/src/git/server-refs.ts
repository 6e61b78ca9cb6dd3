/**
 * What the server holds, read from git's ref advertisement (one request, no objects): its
 * branches, tags and DVC experiment refs, and the branch its HEAD names. A server whose HEAD
 * names a branch that does not exist advertises no HEAD at all (git upload-pack skips a
 * dangling symref), so `head` is then null and `pickDefaultBranch` chooses a sensible one.
 */
import type { HttpClient } from 'isomorphic-git';
import type { Git } from './load-git.ts';

export interface ServerRefs {
  /** Branch name → commit. */
  branches: Map<string, string>;
  /** Tag name → the tag object (or commit, for lightweight tags). */
  tags: Map<string, string>;
  /** Full experiment ref (`refs/exps/ab/<38 hex>/<name>`) → commit. */
  exps: Map<string, string>;
  /** The branch the server's HEAD names, when that branch exists; null when HEAD dangles or is absent. */
  head: string | null;
}

/** Reads the server's refs of the repository at `url` (git protocol v1, as `git http-backend` speaks). */
export async function readServerRefs(
  git: Git,
  http: HttpClient,
  url: string,
  headers: Record<string, string>,
): Promise<ServerRefs> {
  const refs = await git.listServerRefs({ http, url, headers, protocolVersion: 1, symrefs: true });
  return serverRefsOf(refs);
}

/** Sorts an advertisement into branches, tags and experiments (pure: unit-tested). */
export function serverRefsOf(refs: ReadonlyArray<{ ref: string; oid: string; target?: string }>): ServerRefs {
  const out: ServerRefs = { branches: new Map(), tags: new Map(), exps: new Map(), head: null };
  let headTarget: string | null = null;
  for (const { ref, oid, target } of refs) {
    if (ref === 'HEAD') headTarget = target ?? null;
    else if (ref.endsWith('^{}')) continue;
    else if (ref.startsWith('refs/heads/')) out.branches.set(ref.slice('refs/heads/'.length), oid);
    else if (ref.startsWith('refs/tags/')) out.tags.set(ref.slice('refs/tags/'.length), oid);
    else if (ref.startsWith('refs/exps/')) out.exps.set(ref, oid);
  }
  const headBranch = headTarget?.startsWith('refs/heads/') ? headTarget.slice('refs/heads/'.length) : null;
  out.head = headBranch && out.branches.has(headBranch) ? headBranch : null;
  return out;
}

/** Branch names tried, in order, when the server names no default branch that exists. */
const USUAL_DEFAULTS = ['main', 'master', 'trunk', 'develop'];

/**
 * The branch to open: the server's HEAD, else the default branch its API names (when it
 * exists), else the only branch, else a usual default name, else the first by name; null when
 * the server has no branches at all.
 */
export function pickDefaultBranch(server: ServerRefs, apiDefault: string | null = null): string | null {
  if (server.head) return server.head;
  if (apiDefault && server.branches.has(apiDefault)) return apiDefault;
  const names = [...server.branches.keys()].sort();
  if (names.length <= 1) return names[0] ?? null;
  return USUAL_DEFAULTS.find((n) => server.branches.has(n)) ?? (names[0] as string);
}
