/**
 * `/owner/repo/compare/BASE...HEAD` (or `BASE..HEAD`): the files that differ between two
 * revisions, each linking to its version on either side. Line-by-line diffs are a later view;
 * this page is what the run page's "compare code" link and hand-typed ranges open.
 */
import { A, useParams } from '@solidjs/router';
import { createMemo, createResource, Show } from 'solid-js';
import { ChangeDiffs } from '../diff/ChangeDiffs.tsx';
import { createRepoSession } from '../files/create-repo-session.ts';
import { RepoStatus } from '../files/RepoStatus.tsx';
import { ready } from '../files/ready.ts';
import { describeReadError } from '../files/repo-session.ts';
import { commitUrl, decodeSegments, parseCompareRange } from '../files/urls.ts';
import './history.css';

export default function CompareCommitsPage() {
  const params = useParams<{ owner: string; repo: string; range: string }>();
  const range = createMemo(() => parseCompareRange(decodeSegments(params.range).join('/')));
  const { session, clone, retry, opening } = createRepoSession();
  const [comparison] = createResource(
    () => {
      const s = ready(session);
      const r = range();
      return s && r ? ([s, r] as const) : undefined;
    },
    async ([s, r]) => (await import('../git/read-compare.ts')).readComparison(s.ctx, r),
  );
  const short = (oid: string) => oid.slice(0, 7);
  return (
    <div class="commit-page" data-testid="compare-page">
      <RepoStatus loading={opening()} error={session.error} clone={clone()} onRetry={retry} />
      <Show when={!range()}>
        <div class="notice error" role="alert" data-testid="compare-error">
          A comparison names two revisions: <code>compare/BASE...HEAD</code> (changes since HEAD left BASE) or{' '}
          <code>compare/BASE..HEAD</code> (the two trees directly).
        </div>
      </Show>
      <Show when={comparison.error}>
        <div class="notice error" role="alert" data-testid="compare-error">
          {describeReadError(comparison.error)}
        </div>
      </Show>
      <Show when={ready(comparison)}>
        {(c) => (
          <>
            <header class="commit-header">
              <h2>
                Comparing <code>{range()?.base}</code> {range()?.mode === 'merge-base' ? '...' : '..'}{' '}
                <code>{range()?.head}</code>
              </h2>
              <p class="muted">
                <Show
                  when={c().from}
                  fallback={<>The two histories share no commit: every file of the head is listed as added. </>}
                >
                  {(from) => (
                    <>
                      from{' '}
                      <A href={commitUrl(params.owner, params.repo, from())}>
                        <code>{short(from())}</code>
                      </A>
                      {range()?.mode === 'merge-base' && from() !== c().base ? ' (where the head left the base)' : ''}
                    </>
                  )}
                </Show>{' '}
                to{' '}
                <A href={commitUrl(params.owner, params.repo, c().head)}>
                  <code>{short(c().head)}</code>
                </A>
              </p>
            </header>
            <h3 class="changes-title" data-testid="compare-summary">
              {c().changes.length === 0
                ? 'No files differ.'
                : `${c().changes.length} changed ${c().changes.length === 1 ? 'file' : 'files'}`}
            </h3>
            <ChangeDiffs
              ctx={ready(session)!.ctx}
              handle={ready(session)!.handle}
              changes={c().changes}
              sides={{ owner: params.owner, repo: params.repo, before: c().from ?? c().base, after: c().head }}
            />
          </>
        )}
      </Show>
    </div>
  );
}
