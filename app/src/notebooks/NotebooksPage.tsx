/**
 * `/owner/repo/notebooks`: every `.ipynb` kept in git at a ref (`?ref=`), as cards with its title
 * (first Markdown heading), kernel, cell count, last change and a thumbnail of its first image
 * output. Opening one shows the notebook viewer; "last change" opens that commit, whose diff
 * shows the notebook's cells. Reads the device's git copy (catalog worker): works offline.
 */
import { A, useParams, useSearchParams } from '@solidjs/router';
import { createMemo, For, Show } from 'solid-js';
import { shortMessage } from '../catalog/catalog.ts';
import { createCatalog } from '../catalog/catalog-client.ts';
import { ago } from '../data-tab/DataPage.tsx';
import { RepoStatus } from '../files/RepoStatus.tsx';
import { ready } from '../files/ready.ts';
import { blobUrl, commitUrl } from '../files/urls.ts';
import { formatSize } from '../viewers/view-file.ts';
import '../catalog/catalog.css';

export default function NotebooksPage() {
  const params = useParams<{ owner: string; repo: string }>();
  const [search, setSearch] = useSearchParams<{ q?: string; ref?: string }>();
  const { catalog, session, clone, retry, opening } = createCatalog(() => search.ref);
  const shown = createMemo(() => {
    const q = (search.q ?? '').trim().toLowerCase();
    const all = ready(catalog)?.notebooks ?? [];
    return q ? all.filter((n) => `${n.path} ${n.title ?? ''}`.toLowerCase().includes(q)) : all;
  });
  return (
    <div data-testid="notebooks-page">
      <RepoStatus loading={opening()} error={session.error} clone={clone()} onRetry={retry} />
      <Show when={catalog.error}>
        <p class="notice error" role="alert">
          Could not read the repository's notebooks: {String(catalog.error?.message ?? catalog.error)}
        </p>
      </Show>
      <Show when={catalog.loading && !ready(catalog) && ready(session)}>
        <p class="muted">Reading notebooks…</p>
      </Show>
      <Show when={ready(catalog)}>
        {(c) => (
          <>
            <div class="cat-toolbar">
              <span>
                <strong>{c().notebooks.length}</strong> {c().notebooks.length === 1 ? 'notebook' : 'notebooks'} at{' '}
                <code>{c().rev}</code>
              </span>
              <input
                type="search"
                placeholder="Search notebooks"
                aria-label="Search notebooks"
                value={search.q ?? ''}
                onInput={(e) => setSearch({ q: e.currentTarget.value || undefined }, { replace: true })}
              />
            </div>
            <Show
              when={c().notebooks.length > 0}
              fallback={
                <p class="notice">
                  No Jupyter notebooks (<code>.ipynb</code>) in git at this ref. Commit one and push it to see it here.
                </p>
              }
            >
              <div class="cat-cards">
                <For each={shown()}>
                  {(n) => (
                    <article class="cat-card" data-testid="notebook-card" data-path={n.path}>
                      <A href={blobUrl(params.owner, params.repo, c().rev, n.path)} class="cat-thumb" tabIndex={-1}>
                        <Show
                          when={n.thumbnail}
                          fallback={
                            <Show when={n.preview} fallback={<span>{n.cells} cells · no outputs to preview</span>}>
                              <pre class="cat-code-preview">{n.preview}</pre>
                            </Show>
                          }
                        >
                          {(src) => <img src={src()} alt={`First figure of ${n.path}`} loading="lazy" />}
                        </Show>
                      </A>
                      <h3>
                        <A href={blobUrl(params.owner, params.repo, c().rev, n.path)} data-testid="notebook-title">
                          {n.title ?? n.path.split('/').pop()}
                        </A>
                      </h3>
                      <div class="cat-sub path">{n.path}</div>
                      <div>
                        <Show when={n.kernel}>{(k) => <span class="pill">{k()}</span>}</Show>
                        <span class="pill">{n.cells} cells</span>
                        <span class="pill">{formatSize(n.bytes)}</span>
                      </div>
                      <Show when={n.problem}>
                        {(p) => <p class="cat-sub">This file does not read as a notebook: {p()}</p>}
                      </Show>
                      <Show when={n.lastChange}>
                        {(ch) => (
                          <div class="cat-sub">
                            changed {ago(ch().time)} in{' '}
                            <A
                              href={commitUrl(params.owner, params.repo, ch().oid)}
                              title="See this change, cell by cell"
                            >
                              {shortMessage(ch().message, 60) || ch().oid.slice(0, 7)}
                            </A>{' '}
                            by {ch().author}
                          </div>
                        )}
                      </Show>
                    </article>
                  )}
                </For>
              </div>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
