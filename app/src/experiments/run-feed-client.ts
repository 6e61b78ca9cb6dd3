/**
 * The page's end of the run-feed worker (run-feed.worker.ts): one worker per tab, started on
 * the first pull and kept. A pull hands each parsed page over as a block (typed arrays
 * transferred), then says when it is stored; a worker that dies fails the pulls it served, and the next pull starts a new
 * one. Where there are no module workers (unit tests), `pullRunFeedInWorker` answers null and
 * the caller pulls in the page.
 */
import type { RunBlock } from '@cairn/core/runs';
import { getCredentials } from '../sync/credentials.ts';
import { whenWorkerDies } from '../workers/worker-death.ts';
import type { FeedPullMessage, FeedPullRequest } from './run-feed-protocol.ts';

interface Pull {
  page: (block: RunBlock | null, count: number, more: boolean, remaining: number | null) => void;
  stored: (version: number, more: boolean) => void;
  settle: (m: { ok: true; changed: number } | { ok: false; message: string }) => void;
}

let worker: Worker | null = null;
const pulls = new Map<number, Pull>();
let nextId = 1;

function current(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./run-feed.worker.ts', import.meta.url), { type: 'module', name: 'cairn-run-feed' });
  w.onmessage = (e: MessageEvent<FeedPullMessage>) => {
    const m = e.data;
    const pull = pulls.get(m.id);
    if (!pull) return;
    if (m.type === 'page') pull.page(m.block, m.count, m.more, m.remaining);
    else if (m.type === 'stored') pull.stored(m.version, m.more);
    else {
      pulls.delete(m.id);
      pull.settle(m.type === 'done' ? { ok: true, changed: m.changed } : { ok: false, message: m.message });
    }
  };
  whenWorkerDies(w, (message) => {
    if (worker === w) worker = null;
    const served = [...pulls.values()];
    pulls.clear();
    for (const p of served) p.settle({ ok: false, message: `the run-feed worker stopped: ${message}` });
  });
  worker = w;
  return w;
}

/**
 * Pulls the feed of `repo` in the worker; `onPage` gets each page as soon as it is parsed and
 * `onStored` the write stamp once it is stored (both in order). Resolves with how many runs
 * changed, rejects with the reason a pull failed, or resolves null when this browser has no
 * workers.
 */
export async function pullRunFeedInWorker(
  server: string,
  repo: string,
  onPage: Pull['page'],
  onStored: Pull['stored'],
  /** Where the pages go instead (then `onPage` gets no block): see FeedPullRequest. */
  port?: MessagePort,
): Promise<number | null> {
  if (typeof Worker === 'undefined') return null;
  const token = (await getCredentials(server))?.token ?? null;
  const id = nextId++;
  const settled = await new Promise<{ ok: true; changed: number } | { ok: false; message: string }>((settle) => {
    pulls.set(id, { page: onPage, stored: onStored, settle });
    current().postMessage({ id, server, repo, token, ...(port ? { port } : {}) } satisfies FeedPullRequest, {
      transfer: port ? [port] : [],
    });
  });
  if (!settled.ok) throw new Error(settled.message);
  return settled.changed;
}
