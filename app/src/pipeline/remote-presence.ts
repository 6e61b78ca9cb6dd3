/**
 * Which outputs of the pipeline have their objects on the repository's server ("not pushed"
 * otherwise): one batch `missing` call (POST <owner>/<repo>.dvc/missing) for every DVC 3 object
 * id the lock files and `.dvc` files name. Only online, and only for a repository that has a
 * server: otherwise the answer is "unknown", never a guess. DVC 2 (legacy) objects are not asked
 * (the batch call knows only `files/md5/`), so they stay unknown too.
 */

import type { RepoHandle } from '../storage/repo-handle.ts';
import { browserSaysOffline } from '../sync/connectivity.ts';
import { remoteOf } from '../sync/data-push.ts';
import type { PipelineSnapshot } from './pipeline-protocol.ts';

export type RemotePresence =
  | { state: 'known'; missing: ReadonlySet<string>; asked: ReadonlySet<string> }
  | { state: 'unknown'; why: string };

/** Object ids of the cached outputs a pipeline records, DVC 3 hashing only. */
export function cachedOutputIds(snapshot: PipelineSnapshot): string[] {
  const ids = new Set<string>();
  const p = snapshot.pipeline;
  for (const { dvc } of p.dvcFiles) for (const o of dvc.outs) if (o.md5 && o.hashKind === 'md5') ids.add(o.md5);
  for (const stage of p.stages) {
    const locked = p.lock.stages[stage.name];
    for (const o of stage.outs) {
      const e = o.cache ? locked?.outs.find((x) => x.path === o.path) : undefined;
      if (e?.md5 && e.hashKind === 'md5') ids.add(e.md5);
    }
  }
  return [...ids];
}

export async function remotePresence(handle: RepoHandle, oids: string[]): Promise<RemotePresence> {
  const server = handle.row.server;
  if (!server) return { state: 'unknown', why: 'this repository has no server' };
  if (oids.length === 0) return { state: 'known', missing: new Set(), asked: new Set() };
  if (browserSaysOffline()) return { state: 'unknown', why: 'offline' };
  try {
    const remote = await remoteOf(server, handle);
    const response = await fetch(`${remote.base}/missing`, {
      method: 'POST',
      headers: { ...remote.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ oids }),
    });
    if (!response.ok) return { state: 'unknown', why: `the server answered ${response.status}` };
    const body = (await response.json()) as { missing?: unknown };
    const missing = new Set(Array.isArray(body.missing) ? body.missing.filter((x) => typeof x === 'string') : []);
    return { state: 'known', missing, asked: new Set(oids) };
  } catch {
    return { state: 'unknown', why: 'the server cannot be reached' };
  }
}
