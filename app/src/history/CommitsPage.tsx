/**
 * `/owner/repo/commits/REF`: a branch's history, newest first, 50 commits a page with "older"
 * loading the next page in place; each commit with its author, date and changed-files count.
 * Two radio columns pick a base and a head to compare (as MediaWiki's history and GitLab's
 * compare do); the picks live in the URL (`?base=&head=`), so a reload or a shared link keeps
 * them, and "Compare" opens `compare/OLDER...NEWER`.
 */
import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, Show, startTransition } from 'solid-js';
import { createRepoSession } from '../files/create-repo-session.ts';
import { createListKeyboard } from '../files/list-keyboard.ts';
import { ReadErrorNotice } from '../files/ReadErrorNotice.tsx';
import { RefPicker } from '../files/RefPicker.tsx';
import { RepoStatus } from '../files/RepoStatus.tsx';
import { ready } from '../files/ready.ts';
import type { RepoSession } from '../files/repo-session.ts';
import { commitsUrl, commitUrl, compareUrl, decodeSegments, treeUrl } from '../files/urls.ts';
import type { LogEntry } from '../git/read-log.ts';
import { ComparePicker } from './ComparePicker.tsx';
import { comparePair, type PickSide } from './compare-pair.ts';
import { exactDate, relativeDate } from './format-date.ts';
// The list and bar look of the file browser (rows, ref picker, buttons), on a direct load too.
import '../files/files.css';
import './history.css';

const PAGE = 50;

type Row = LogEntry & { changedFiles: number };

async function loadHistory(session: RepoSession, rev: string, path: string) {
  const [{ readLog }, { listRefs }] = await Promise.all([import('../git/read-log.ts'), import('../git/read-refs.ts')]);
  const { readOrFetch } = await import('../files/fetch-missing.ts');
  const [page, refs] = await Promise.all([
    readOrFetch(session, () => readLog(session.ctx, rev, { limit: PAGE, ...(path ? { path } : {}) })),
    listRefs(session.ctx),
  ]);
  return { rev, page, refs };
}

export function CommitRow(props: {
  owner: string;
  repo: string;
  commit: Row;
  picked: { base: string | null; head: string | null };
  onPick: (side: PickSide, oid: string) => void;
}) {
  const c = () => props.commit;
  const pick = (side: PickSide) => (
    <input
      type="radio"
      name={`compare-${side}`}
      value={c().oid}
      checked={props.picked[side] === c().oid}
      onChange={() => props.onPick(side, c().oid)}
      aria-label={`${side === 'base' ? 'Base' : 'Head'}: ${c().summary} (${c().oid.slice(0, 7)})`}
      data-testid={`pick-${side}`}
    />
  );
  return (
    <div
      class="commit-row"
      classList={{ picked: props.picked.base === c().oid || props.picked.head === c().oid }}
      data-testid="commit-row"
      data-oid={c().oid}
    >
      <span class="commit-pick">
        {pick('base')}
        {pick('head')}
      </span>
      <CommitLink owner={props.owner} repo={props.repo} commit={c()} />
    </div>
  );
}

function CommitLink(props: { owner: string; repo: string; commit: Row }) {
  const c = () => props.commit;
  return (
    <A class="commit-link" href={commitUrl(props.owner, props.repo, c().oid)} data-row>
      <span class="commit-summary">{c().summary}</span>
      <span class="commit-meta">
        <span class="commit-author">{c().author.name}</span>
        <time title={exactDate(c().author.timestamp, c().author.timezoneOffset)}>
          {relativeDate(c().author.timestamp)}
        </time>
      </span>
      <span class="commit-files" data-testid="changed-files">
        {c().changedFiles} {c().changedFiles === 1 ? 'file' : 'files'}
      </span>
      <code class="commit-sha">{c().oid.slice(0, 7)}</code>
    </A>
  );
}

export default function CommitsPage() {
  const params = useParams<{ owner: string; repo: string; rest?: string }>();
  const navigate = useNavigate();
  const { session, clone, retry, opening } = createRepoSession();
  const rev = () => decodeSegments(params.rest).join('/') || 'HEAD';
  // `?path=` narrows the history to one file or folder (the file page's History link).
  const [search, setSearch] = useSearchParams<{ path?: string; base?: string; head?: string }>();
  const oidParam = (v: string | string[] | undefined) =>
    typeof v === 'string' && /^[0-9a-f]{4,64}$/.test(v) ? v : null;
  const picked = () => ({ base: oidParam(search.base), head: oidParam(search.head) });
  // Replaces the URL: picking is not a step back should undo one at a time.
  const onPick = (side: PickSide, oid: string) => setSearch({ [side]: oid }, { replace: true });
  const path = () => (typeof search.path === 'string' ? search.path.replace(/^\/+|\/+$/g, '') : '');
  const [history, { refetch: refetchHistory }] = createResource(
    () => {
      const s = ready(session);
      return s ? ([s, rev(), path()] as const) : undefined;
    },
    ([s, r, p]) => loadHistory(s, r, p),
  );
  const [older, setOlder] = createSignal<Row[]>([]);
  const [more, setMore] = createSignal<boolean | null>(null);
  // A "latest only" clone: older commits are on the server only, until the user fetches them.
  const [shallow, { refetch: recheckShallow }] = createResource(
    () => ready(session),
    async (s) => (await import('../git/remote-sync.ts')).isShallow(s.handle),
  );
  const [fetchingHistory, setFetchingHistory] = createSignal(false);
  const [fetchHistoryError, setFetchHistoryError] = createSignal<string | null>(null);
  const fetchAllHistory = async () => {
    const s = ready(session);
    const server = s?.handle.row.server;
    if (!s || !server) return;
    setFetchingHistory(true);
    setFetchHistoryError(null);
    try {
      const { fetchHistory } = await import('../git/remote-sync.ts');
      await fetchHistory(s.handle, server);
      s.ctx.repo.refresh();
      // In a transition: the list stays until the whole history is read (read while it loads
      // again, it would suspend the Layout's boundary and take the whole page away).
      await startTransition(() => {
        setOlder([]);
        setMore(null);
        void refetchHistory();
        void recheckShallow();
      });
    } catch (error) {
      setFetchHistoryError((error as Error)?.message ?? String(error));
    } finally {
      setFetchingHistory(false);
    }
  };
  const [loadingMore, setLoadingMore] = createSignal(false);
  let list: HTMLDivElement | undefined;
  createListKeyboard(() => list);

  const loadOlder = async () => {
    const s = ready(session);
    const h = ready(history);
    if (!s || !h) return;
    setLoadingMore(true);
    try {
      const { readLog } = await import('../git/read-log.ts');
      const page = await readLog(s.ctx, h.page.head, {
        skip: h.page.commits.length + older().length,
        limit: PAGE,
        ...(path() ? { path: path() } : {}),
      });
      setOlder([...older(), ...page.commits]);
      setMore(page.more);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <div class="history" data-testid="history">
      <RepoStatus loading={opening()} error={session.error} clone={clone()} onRetry={retry} />
      <Show when={history.error}>
        <ReadErrorNotice error={history.error} owner={params.owner} repo={params.repo} testId="history-error" />
      </Show>
      <Show when={ready(history)}>
        {(h) => (
          <>
            <div class="browser-bar">
              <RefPicker
                refs={h().refs}
                rev={h().rev}
                commit={h().page.head}
                onPick={(r) => {
                  setOlder([]);
                  setMore(null);
                  navigate(commitsUrl(params.owner, params.repo, r, path()));
                }}
              />
              <span class="muted" data-testid="history-scope">
                Commits on {h().rev}
                <Show when={path()}>
                  {' '}
                  that changed <code>{path()}</code> ·{' '}
                  <A href={commitsUrl(params.owner, params.repo, h().rev)}>all commits</A>
                </Show>
              </span>
              <A class="browser-history" href={treeUrl(params.owner, params.repo, h().rev)}>
                Browse files
              </A>
            </div>
            {/* ready(): not read while it first loads — history may be shown first, and reading it
                then would suspend the Layout and blank the page (seen in CI, after a file's History link). */}
            <Show when={ready(shallow)}>
              <p class="notice history-shallow" role="status" data-testid="history-shallow">
                History not fetched: this copy was cloned with the latest commits only.{' '}
                <button
                  type="button"
                  class="button"
                  onClick={fetchAllHistory}
                  disabled={fetchingHistory()}
                  data-testid="fetch-history"
                >
                  {fetchingHistory() ? 'Fetching history…' : 'Fetch history'}
                </button>
              </p>
            </Show>
            <Show when={fetchHistoryError()}>
              <p class="error" role="alert" data-testid="fetch-history-error">
                {fetchHistoryError()}
              </p>
            </Show>
            <ComparePicker
              picked={picked()}
              pair={comparePair(
                picked(),
                [...h().page.commits, ...older()].map((c) => c.oid),
              )}
              compareHref={(base, head) => compareUrl(params.owner, params.repo, base, head)}
              onClear={() => setSearch({ base: undefined, head: undefined }, { replace: true })}
            />
            <div class="commit-list" ref={list} data-testid="commit-list">
              <div class="commit-list-head" aria-hidden="true">
                <span class="commit-pick">
                  <span>base</span>
                  <span>head</span>
                </span>
              </div>
              <For each={[...h().page.commits, ...older()]}>
                {(c) => (
                  <CommitRow owner={params.owner} repo={params.repo} commit={c} picked={picked()} onPick={onPick} />
                )}
              </For>
            </div>
            <Show when={more() ?? h().page.more}>
              <button type="button" class="button load-more" onClick={loadOlder} disabled={loadingMore()}>
                {loadingMore() ? 'Loading…' : 'Older commits'}
              </button>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
