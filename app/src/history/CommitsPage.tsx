/**
 * `/owner/repo/commits/REF`: a branch's history, newest first, 50 commits a page with "older"
 * loading the next page in place; each commit with its author, date and changed-files count.
 */
import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { createRepoSession } from '../files/create-repo-session.ts';
import { createListKeyboard } from '../files/list-keyboard.ts';
import { ReadErrorNotice } from '../files/ReadErrorNotice.tsx';
import { RefPicker } from '../files/RefPicker.tsx';
import { RepoStatus } from '../files/RepoStatus.tsx';
import { ready } from '../files/ready.ts';
import type { RepoSession } from '../files/repo-session.ts';
import { commitsUrl, commitUrl, decodeSegments, treeUrl } from '../files/urls.ts';
import type { LogEntry } from '../git/read-log.ts';
import { exactDate, relativeDate } from './format-date.ts';
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

export function CommitRow(props: { owner: string; repo: string; commit: Row }) {
  const c = () => props.commit;
  return (
    <A class="commit-row" href={commitUrl(props.owner, props.repo, c().oid)} data-row data-testid="commit-row">
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
  const { session, clone, retry } = createRepoSession();
  const rev = () => decodeSegments(params.rest).join('/') || 'HEAD';
  // `?path=` narrows the history to one file or folder (the file page's History link).
  const [search] = useSearchParams<{ path?: string }>();
  const path = () => (typeof search.path === 'string' ? search.path.replace(/^\/+|\/+$/g, '') : '');
  const [history] = createResource(
    () => {
      const s = ready(session);
      return s ? ([s, rev(), path()] as const) : undefined;
    },
    ([s, r, p]) => loadHistory(s, r, p),
  );
  const [older, setOlder] = createSignal<Row[]>([]);
  const [more, setMore] = createSignal<boolean | null>(null);
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
      <RepoStatus loading={session.loading} error={session.error} clone={clone()} onRetry={retry} />
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
            <div class="commit-list" ref={list} data-testid="commit-list">
              <For each={[...h().page.commits, ...older()]}>
                {(c) => <CommitRow owner={params.owner} repo={params.repo} commit={c} />}
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
