/**
 * `/owner/repo/data`: every DVC-tracked file and folder of the repository at a ref (`?ref=`),
 * from `.dvc` files and every `dvc.lock`, with size and file count as recorded, the stage that
 * makes it and the stages that use it, whether its objects are on this device and on the
 * server's DVC remote, and the commits that changed it; `?q=` searches paths. Totals: bytes in
 * git and bytes tracked by DVC. Reads the device's git copy (catalog worker): works offline.
 */
import { A, useParams, useSearchParams } from '@solidjs/router';
import { createMemo, createResource, For, Show } from 'solid-js';
import { shortMessage } from '../catalog/catalog.ts';
import { createCatalog } from '../catalog/catalog-client.ts';
import type { DatasetEntry } from '../catalog/catalog-protocol.ts';
import { RepoStatus } from '../files/RepoStatus.tsx';
import { ready } from '../files/ready.ts';
import { commitUrl, treeUrl } from '../files/urls.ts';
import { formatSize } from '../viewers/view-file.ts';
import { type DataStatus, dataStatus } from './data-status.ts';
import '../catalog/catalog.css';
import { isOnline } from '../sync/connectivity.ts';

export function ago(seconds: number): string {
  const d = Date.now() / 1000 - seconds;
  if (d < 90) return 'just now';
  if (d < 3600 * 1.5) return `${Math.round(d / 60)} minutes ago`;
  if (d < 86400 * 1.5) return `${Math.round(d / 3600)} hours ago`;
  if (d < 86400 * 45) return `${Math.round(d / 86400)} days ago`;
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

function DeviceCell(props: { d: DatasetEntry; s: DataStatus | undefined }) {
  return (
    <Show
      when={props.d.cached}
      fallback={
        <span class="pill" title="cache: false — the file is committed to git">
          in git
        </span>
      }
    >
      <Show when={props.s} fallback={<span class="cat-sub">—</span>}>
        {(s) => (
          <Show
            when={s().device.manifest && s().device.have >= s().device.total}
            fallback={
              <span class="pill" title="Open it in the file browser to fetch it">
                {s().device.manifest && props.d.isDir ? `${s().device.have} of ${s().device.total} files` : 'not here'}
              </span>
            }
          >
            <span class="pill ok">on device</span>
          </Show>
        )}
      </Show>
    </Show>
  );
}

function RemoteCell(props: { d: DatasetEntry; s: DataStatus | undefined }) {
  return (
    <Show when={props.d.cached} fallback={<span class="pill">in git</span>}>
      <Show when={props.s?.remote} fallback={<span class="cat-sub">unknown (offline)</span>}>
        {(r) => (
          <span title={`checked ${ago(r().checkedAt / 1000)}`}>
            <Show
              when={r().missing === 0}
              fallback={
                <span class="pill warn" data-testid="not-pushed">
                  not pushed{r().total > 1 ? ` (${r().missing} of ${r().total})` : ''}
                </span>
              }
            >
              <span class="pill ok">pushed</span>
            </Show>
          </span>
        )}
      </Show>
    </Show>
  );
}

export default function DataPage() {
  const params = useParams<{ owner: string; repo: string }>();
  const [search, setSearch] = useSearchParams<{ q?: string; ref?: string }>();
  const { catalog, session, clone, retry, opening } = createCatalog(() => search.ref);
  const repo = () => `${params.owner}/${params.repo}`;
  const [status] = createResource(
    () => {
      const c = ready(catalog);
      const s = ready(session);
      return c && s ? ([c, s] as const) : undefined;
    },
    ([c, s]) => dataStatus(repo(), s.handle, c.datasets, isOnline()),
  );
  const shown = createMemo(() => {
    const q = (search.q ?? '').trim().toLowerCase();
    const all = ready(catalog)?.datasets ?? [];
    return q ? all.filter((d) => d.path.toLowerCase().includes(q)) : all;
  });
  const dvcBytes = () => (ready(catalog)?.datasets ?? []).reduce((n, d) => n + (d.cached ? (d.size ?? 0) : 0), 0);

  return (
    <div data-testid="data-page">
      <RepoStatus loading={opening()} error={session.error} clone={clone()} onRetry={retry} />
      <Show when={catalog.error}>
        <p class="notice error" role="alert">
          Could not read the repository's data: {String(catalog.error?.message ?? catalog.error)}
        </p>
      </Show>
      <Show when={catalog.loading && !ready(catalog) && ready(session)}>
        <p class="muted">Reading every .dvc file and dvc.lock…</p>
      </Show>
      <Show when={ready(catalog)}>
        {(c) => (
          <>
            <p class="cat-summary" data-testid="data-totals">
              <span>
                <strong>{c().datasets.length}</strong> DVC-tracked {c().datasets.length === 1 ? 'output' : 'outputs'}
              </span>
              <span>
                <strong data-testid="dvc-bytes">{formatSize(dvcBytes())}</strong> in DVC
              </span>
              <span>
                <strong data-testid="git-bytes">{formatSize(c().gitBytes)}</strong> in git ({c().gitFiles} files)
              </span>
              <span class="cat-sub">
                at <code>{c().rev}</code> · {c().commit.slice(0, 7)}
              </span>
            </p>
            <div class="cat-toolbar">
              <input
                type="search"
                placeholder="Search paths"
                aria-label="Search paths"
                value={search.q ?? ''}
                onInput={(e) => setSearch({ q: e.currentTarget.value || undefined }, { replace: true })}
              />
              <Show when={status.loading}>
                <span class="cat-sub">checking the device and the remote…</span>
              </Show>
            </div>
            <Show when={c().problems.length > 0}>
              <ul class="notice error">
                <For each={c().problems}>{(p) => <li>{p}</li>}</For>
              </ul>
            </Show>
            <Show
              when={c().datasets.length > 0}
              fallback={
                <p class="notice">
                  No DVC-tracked data at this ref. Add data with <A href={`/${repo()}/add-data`}>Add data</A> or{' '}
                  <code>dvc add</code> / <code>cairn add</code>, then push the commit.
                </p>
              }
            >
              <div class="cat-table-wrap">
                <table class="cat-table stack" data-testid="data-table">
                  <thead>
                    <tr>
                      <th>Path</th>
                      <th>Size</th>
                      <th>Files</th>
                      <th>Pipeline</th>
                      <th>This device</th>
                      <th>Remote</th>
                      <th>Changed</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For
                      each={shown()}
                      fallback={
                        <tr>
                          <td colSpan={7}>No path matches “{search.q}”.</td>
                        </tr>
                      }
                    >
                      {(d) => {
                        const s = () => ready(status)?.get(d.path);
                        return (
                          <tr data-testid="data-row" data-path={d.path}>
                            <td>
                              <A class="path" href={treeUrl(params.owner, params.repo, c().rev, d.path)}>
                                {d.path}
                                {d.isDir ? '/' : ''}
                              </A>
                              <div class="cat-sub">
                                {d.recordedIn}
                                {d.legacy ? ' · DVC 2 hash' : ''}
                              </div>
                            </td>
                            <td
                              class="num"
                              data-label="Size"
                              data-testid="data-size"
                              data-bytes={d.size ?? ''}
                              title={d.size === null ? '' : `${d.size} bytes`}
                            >
                              {d.size === null ? '—' : formatSize(d.size)}
                            </td>
                            <td class="num" data-label="Files">
                              {d.isDir ? (d.nfiles ?? '—') : 1}
                            </td>
                            <td data-label="Pipeline">
                              <div>
                                <Show when={d.stage}>
                                  {(st) => (
                                    <div>
                                      made by{' '}
                                      <A href={`/${repo()}/pipeline?node=${encodeURIComponent(st())}`}>{st()}</A>
                                    </div>
                                  )}
                                </Show>
                                <Show when={d.usedBy.length > 0}>
                                  <div class="cat-sub">used by {d.usedBy.join(', ')}</div>
                                </Show>
                                <Show when={!d.stage && d.usedBy.length === 0}>
                                  <span class="cat-sub">—</span>
                                </Show>
                              </div>
                            </td>
                            <td data-label="This device">
                              <DeviceCell d={d} s={s()} />
                            </td>
                            <td data-label="Remote">
                              <RemoteCell d={d} s={s()} />
                            </td>
                            <td data-label="Changed">
                              <Show when={d.changes[0]} fallback={<span class="cat-sub">—</span>}>
                                {(ch) => (
                                  <div>
                                    <A href={commitUrl(params.owner, params.repo, ch().oid)} title={ch().message}>
                                      {shortMessage(ch().message, 56) || ch().oid.slice(0, 7)}
                                    </A>
                                    <div class="cat-sub">
                                      {ago(ch().time)}
                                      {d.changes.length > 1 ? ` · changed in ${d.changes.length} commits` : ''}
                                    </div>
                                  </div>
                                )}
                              </Show>
                            </td>
                          </tr>
                        );
                      }}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
