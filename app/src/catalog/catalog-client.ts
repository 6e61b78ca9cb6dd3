/**
 * The catalog of a repository's commit for the Data, Models and Notebooks tabs: asked of the
 * catalog worker (one per tab, made on first use) over the device's git copy, so offline works.
 */
import { createResource } from 'solid-js';
import { createRepoSession } from '../files/create-repo-session.ts';
import { ready } from '../files/ready.ts';
import type { RepoSession } from '../files/repo-session.ts';
import { workerCalls } from '../workers/worker-calls.ts';
import type { Catalog, CatalogRequest, CatalogResponse } from './catalog-protocol.ts';

let nextId = 1;
const call = workerCalls<CatalogRequest, CatalogResponse>(
  () => new Worker(new URL('./catalog.worker.ts', import.meta.url), { type: 'module', name: 'cairn-catalog' }),
  (id, message) => ({ id, ok: false, message: `the catalog worker failed: ${message}` }),
);

export async function loadCatalog(session: RepoSession, rev?: string): Promise<Catalog & { rev: string }> {
  const { resolveRevision, defaultBranch } = await import('../git/read-refs.ts');
  const name = rev || (await defaultBranch(session.ctx));
  const head = await resolveRevision(session.ctx, name);
  const reply = await call({
    id: nextId++,
    fsName: session.handle.row.fsName,
    dir: session.handle.dir,
    commit: head.oid,
  });
  if (!reply.ok) throw new Error(reply.message);
  return { ...reply.catalog, rev: name };
}

/** The route's repository, opened (or cloned on a first visit), and its catalog at `rev()`. */
export function createCatalog(rev: () => string | undefined = () => undefined) {
  const repo = createRepoSession();
  const [catalog] = createResource(
    () => {
      const s = ready(repo.session);
      return s ? ([s, rev() ?? ''] as const) : undefined;
    },
    ([s, r]) => loadCatalog(s, r || undefined),
  );
  return { ...repo, catalog };
}
