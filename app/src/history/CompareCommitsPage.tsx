/**
 * `/owner/repo/compare/BASE...HEAD` (or `BASE..HEAD`): the files that differ between two
 * revisions, each linking to its version on either side. Line-by-line diffs are a later view;
 * this page is what the run page's "compare code" link and hand-typed ranges open.
 */
import { A, useParams } from '@solidjs/router';
import { createMemo, createResource, For, Show } from 'solid-js';
import { createRepoSession } from '../files/create-repo-session.ts';
import { createListKeyboard } from '../files/list-keyboard.ts';
import { RepoStatus } from '../files/RepoStatus.tsx';
import { ready } from '../files/ready.ts';
import { describeReadError } from '../files/repo-session.ts';
import { blobUrl, commitUrl, decodeSegments, parseCompareRange } from '../files/urls.ts';
import './history.css';

const KIND_MARK = { added: 'A', modified: 'M', deleted: 'D' } as const;

export default function CompareCommitsPage() {
  const params = useParams<{ owner: string; repo: string; range: string }>();
  const range = createMemo(() => parseCompareRange(decodeSegments(params.range).join('/')));
  const { session, clone, retry } = createRepoSession();
  const [comparison] = createResource(
    () => {
      const s = ready(session);
      const r = range();
      return s && r ? ([s, r] as const) : undefined;
    },
    async ([s, r]) => (await import('../git/read-compare.ts')).readComparison(s.ctx, r),
  );
  let list: HTMLDivElement | undefined;
  createListKeyboard(() => list);
  const short = (oid: string) => oid.slice(0, 7);
  return (
    <div class="commit-page" data-testid="compare-page">
      <RepoStatus loading={session.loading} error={session.error} clone={clone()} onRetry={retry} />
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
            <div class="change-list" ref={list} data-testid="change-list">
              <For each={c().changes}>
                {(f) => (
                  <A
                    class={`change-row ${f.kind}`}
                    data-row
                    data-testid="change-row"
                    href={blobUrl(
                      params.owner,
                      params.repo,
                      f.kind === 'deleted' ? (c().from ?? c().base) : c().head,
                      f.path,
                    )}
                  >
                    <span class="change-kind" title={f.kind}>
                      {KIND_MARK[f.kind]}
                    </span>
                    <span>{f.path}</span>
                  </A>
                )}
              </For>
            </div>
          </>
        )}
      </Show>
    </div>
  );
}
