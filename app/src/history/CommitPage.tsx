/** `/owner/repo/commit/SHA`: one commit — message, author, parents — and the files it changed. */
import { A, useParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { ChangeDiffs } from '../diff/ChangeDiffs.tsx';
import { createRepoSession } from '../files/create-repo-session.ts';
import { ReadErrorNotice } from '../files/ReadErrorNotice.tsx';
import { RepoStatus } from '../files/RepoStatus.tsx';
import { ready } from '../files/ready.ts';
import { commitUrl, treeUrl } from '../files/urls.ts';
import { TargetNote } from '../notes/TargetNote.tsx';
import { exactDate, relativeDate } from './format-date.ts';
import './history.css';

export default function CommitPage() {
  const params = useParams<{ owner: string; repo: string; sha: string }>();
  const { session, clone, retry, opening } = createRepoSession();
  const [detail] = createResource(
    () => {
      const s = ready(session);
      return s ? ([s, params.sha] as const) : undefined;
    },
    async ([s, sha]) => {
      const [{ readCommitDetail }, { readOrFetch }] = await Promise.all([
        import('../git/read-commit.ts'),
        import('../files/fetch-missing.ts'),
      ]);
      return readOrFetch(s, () => readCommitDetail(s.ctx, sha));
    },
  );
  return (
    <div class="commit-page" data-testid="commit-page">
      <RepoStatus loading={opening()} error={session.error} clone={clone()} onRetry={retry} />
      <Show when={detail.error}>
        <ReadErrorNotice error={detail.error} owner={params.owner} repo={params.repo} testId="commit-error" />
      </Show>
      <Show when={ready(detail)}>
        {(d) => (
          <>
            <header class="commit-header">
              <h2 data-testid="commit-summary">{d().summary}</h2>
              <Show when={d().message.trim() !== d().summary.trim()}>
                <pre class="commit-body">{d().message.slice(d().summary.length).trim()}</pre>
              </Show>
              <p class="muted">
                <strong>{d().author.name}</strong> &lt;{d().author.email}&gt; committed{' '}
                <time title={exactDate(d().author.timestamp, d().author.timezoneOffset)}>
                  {relativeDate(d().author.timestamp)}
                </time>
                {' · '}
                <code data-testid="commit-sha">{d().oid}</code>
                <For each={d().parents}>
                  {(p) => (
                    <>
                      {' · parent '}
                      <A href={commitUrl(params.owner, params.repo, p)}>
                        <code>{p.slice(0, 7)}</code>
                      </A>
                    </>
                  )}
                </For>
                {' · '}
                <A href={treeUrl(params.owner, params.repo, d().oid)}>Browse files</A>
              </p>
            </header>
            <TargetNote
              repo={`${params.owner}/${params.repo}`}
              target={{ kind: 'commit', sha: d().oid }}
              title="Commit note"
            />
            <h3 class="changes-title">
              {d().changes.length} changed {d().changes.length === 1 ? 'file' : 'files'}
            </h3>
            <ChangeDiffs
              ctx={ready(session)!.ctx}
              handle={ready(session)!.handle}
              changes={d().changes}
              sides={{ owner: params.owner, repo: params.repo, before: d().parents[0] ?? d().oid, after: d().oid }}
            />
          </>
        )}
      </Show>
    </div>
  );
}
