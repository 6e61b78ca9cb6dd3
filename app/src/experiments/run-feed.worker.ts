/**
 * Pulls a repository's run feed off the main thread: each page is fetched, parsed, posted
 * back at once as a columnar block with its typed arrays transferred, and stored in the
 * experiments database behind it (server-runs pullRunFeedWith, the same code the page would
 * run: stores in order, the next pages fetched meanwhile); a `stored` message follows each
 * page once it is in the store. Given a port (the runs table's worker), pages and stamps go there
 * instead, and the page gets only their counts. At 100,000 runs the JSON parse and the IndexedDB writes were most of a first
 * sync's main-thread time.
 */
import { encodeRunBlock } from '@cairn/core/runs';
import { APP_REQUEST } from '../sync/api.ts';
import { blockBuffers, type FeedPullMessage, type FeedPullRequest } from './run-feed-protocol.ts';
import { experimentsDb } from './run-store.ts';
import type { TableCommand } from './run-table-protocol.ts';
import { type FeedPage, feedPath, pullRunFeedWith } from './server-runs.ts';

const post = (m: FeedPullMessage, transfer: Transferable[] = []) => self.postMessage(m, { transfer });

async function fetchPage(req: FeedPullRequest, since: number, limit: number): Promise<FeedPage> {
  const headers: Record<string, string> = { Accept: 'application/json', ...APP_REQUEST };
  if (req.token) headers.Authorization = `Bearer ${req.token}`;
  let res: Response;
  try {
    res = await fetch(`${req.server.replace(/\/+$/, '')}/api/v1${feedPath(req.repo, since, limit)}`, { headers });
  } catch {
    throw new Error(`the server ${req.server} cannot be reached`);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const said = typeof body?.error?.message === 'string' ? body.error.message : res.statusText;
    throw new Error(`the server answered ${res.status}: ${said}`);
  }
  return (await res.json()) as FeedPage;
}

self.onmessage = async (event: MessageEvent<FeedPullRequest>) => {
  const req = event.data;
  // With a port, the pages go straight to the runs table's worker (nothing of them to the page).
  const table = req.port ?? null;
  const toTable = (c: TableCommand, transfer: Transferable[] = []) => table?.postMessage(c, { transfer });
  try {
    const changed = await pullRunFeedWith(
      experimentsDb(),
      req.repo,
      (since, limit) => fetchPage(req, since, limit),
      (_runs, more, version) => {
        toTable({ type: 'feed-stored', version, more });
        post({ id: req.id, type: 'stored', more, version });
      },
      (runs, more, remaining) => {
        const block = encodeRunBlock(runs);
        if (table) {
          toTable({ type: 'feed-page', block, more }, blockBuffers(block));
          post({ id: req.id, type: 'page', block: null, count: runs.length, more, remaining });
        } else post({ id: req.id, type: 'page', block, count: runs.length, more, remaining }, blockBuffers(block));
      },
    );
    toTable({ type: 'feed-done' });
    post({ id: req.id, type: 'done', changed });
  } catch (err) {
    toTable({ type: 'feed-failed' });
    post({ id: req.id, type: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
};
