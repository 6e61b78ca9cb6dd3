/**
 * `/owner/repo/models/NAME/versions/N`: one model version — its source run (link, params and
 * metrics from the run store), its files (names and sizes) with the MLmodel file rendered
 * (flavors, signature, Python version), tags, description and stage, and a form to point an
 * alias at it. Reads the device's registry snapshot and run store: works offline.
 */
import { loadYaml } from '@cairn/core';
import { A, useParams } from '@solidjs/router';
import { createMemo, createResource, For, Show } from 'solid-js';
import { ago } from '../data-tab/DataPage.tsx';
import { experimentsDb } from '../experiments/run-store.ts';
import { ready, valueNow } from '../files/ready.ts';
import { defaultServer } from '../sync/api.ts';
import { formatSize } from '../viewers/view-file.ts';
import { AliasForm } from './AliasForm.tsx';
import { SyncedNote } from './ModelsPage.tsx';
import { loadRegistry, modelUrl, reloadRegistryInto } from './registry-store.ts';
import '../catalog/catalog.css';

/** The parts of an MLmodel file a person reads first; null when it is not a YAML mapping. */
export function mlmodelSummary(text: string) {
  const r = loadYaml(text, { file: 'MLmodel' });
  if (!r.ok) return null;
  const data = r.value.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  const flavors = (data.flavors && typeof data.flavors === 'object' ? data.flavors : {}) as Record<string, unknown>;
  const py = (flavors.python_function ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (v === undefined || v === null ? null : String(v));
  return {
    flavors: Object.entries(flavors).map(([name, v]) => {
      const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
      const version = Object.entries(o).find(([k]) => k.endsWith('_version') && k !== 'python_version');
      return { name, version: version ? String(version[1]) : null };
    }),
    python: str(py.python_version),
    loader: str(py.loader_module),
    created: str(data.utc_time_created),
    signature:
      data.signature && typeof data.signature === 'object' ? (data.signature as Record<string, unknown>) : null,
  };
}

export default function VersionPage() {
  const params = useParams<{ owner: string; repo: string; name: string; version: string }>();
  const repo = () => `${params.owner}/${params.repo}`;
  const name = () => decodeURIComponent(params.name);
  const [registry, { mutate }] = createResource(repo, (r) => loadRegistry(defaultServer(), r));
  const version = createMemo(() =>
    ready(registry)?.versions.find((v) => v.name === name() && v.version === params.version),
  );
  const model = createMemo(() => ready(registry)?.models.find((m) => m.name === name()));
  const files = createMemo(() => ready(registry)?.files[`${name()}/${params.version}`]);
  const [run] = createResource(
    () => version()?.run_id,
    async (id) => (await experimentsDb().runs.get([repo(), id]))?.run,
  );
  const mlmodel = createMemo(() => {
    const t = files()?.mlmodel;
    return t ? mlmodelSummary(t) : null;
  });
  const reload = () => reloadRegistryInto(repo(), mutate);

  return (
    <div data-testid="version-page">
      <p class="cat-sub">
        <A href={`/${repo()}/models`}>Models</A> / <A href={modelUrl(repo(), name())}>{name()}</A> / version{' '}
        {params.version}
      </p>
      <Show when={!registry.loading || ready(registry)} fallback={<p class="muted">Loading the registry…</p>}>
        <Show
          when={version()}
          fallback={
            <p class="notice">
              No version {params.version} of “{name()}” {ready(registry) ? 'in this repository' : 'on this device yet'}.
            </p>
          }
        >
          {(v) => (
            <>
              <div class="cat-toolbar">
                <h2 style={{ margin: 0 }} data-testid="version-title">
                  {v().name} · version {v().version}
                </h2>
                <For each={v().aliases ?? []}>
                  {(a) => (
                    <span class="pill alias" data-testid="alias">
                      @{a}
                    </span>
                  )}
                </For>
                <Show when={v().current_stage !== 'None'}>
                  <span class="pill">{v().current_stage}</span>
                </Show>
                <SyncedNote at={ready(registry)?.syncedAt} />
              </div>
              <Show when={v().description}>
                <p data-testid="version-description">{v().description}</p>
              </Show>
              <div class="cat-grid2">
                <section class="cat-panel" data-testid="version-run">
                  <h3>Source run</h3>
                  <Show
                    when={v().run_id}
                    fallback={
                      <p class="cat-sub">
                        Registered from <code>{v().source}</code>, not from a run.
                      </p>
                    }
                  >
                    {(id) => (
                      <>
                        <p>
                          <A href={`/${repo()}/experiments/runs/${encodeURIComponent(id())}`} data-testid="source-run">
                            {valueNow(run)?.name ?? id()}
                          </A>
                          <Show when={valueNow(run)}>
                            {(r) => <span class="cat-sub"> · {r().status.toLowerCase()}</span>}
                          </Show>
                        </p>
                        <Show
                          when={valueNow(run)}
                          fallback={
                            <p class="cat-sub">
                              {run.state === 'ready' || run.error
                                ? 'This run is not on this device yet: open Experiments once online.'
                                : 'Loading the run…'}
                            </p>
                          }
                        >
                          {(r) => (
                            <dl class="cat-kv">
                              <Show when={Object.keys(r().metrics).length > 0}>
                                <dt class="cat-kv-head">Metrics</dt>
                              </Show>
                              <For each={Object.entries(r().metrics).sort(([a], [b]) => (a < b ? -1 : 1))}>
                                {([k, val]) => (
                                  <>
                                    <dt>{k}</dt>
                                    <dd data-testid="run-metric">{Number(val.toPrecision(5))}</dd>
                                  </>
                                )}
                              </For>
                              <Show when={Object.keys(r().params).length > 0}>
                                <dt class="cat-kv-head">Params</dt>
                              </Show>
                              <For each={Object.entries(r().params).slice(0, 12)}>
                                {([k, val]) => (
                                  <>
                                    <dt>{k}</dt>
                                    <dd>{val}</dd>
                                  </>
                                )}
                              </For>
                            </dl>
                          )}
                        </Show>
                      </>
                    )}
                  </Show>
                </section>
                <section class="cat-panel">
                  <h3>Details</h3>
                  <dl class="cat-kv">
                    <dt>Source</dt>
                    <dd>
                      <code>{v().source}</code>
                    </dd>
                    <dt>Files at</dt>
                    <dd>
                      <code>{files()?.uri ?? '—'}</code>
                    </dd>
                    <dt>Registered</dt>
                    <dd>
                      {ago(v().creation_timestamp / 1000)}
                      {v().user_id ? ` by ${v().user_id}` : ''}
                    </dd>
                    <dt>Stage</dt>
                    <dd>{v().current_stage}</dd>
                    <For each={v().tags ?? []}>
                      {(t) => (
                        <>
                          <dt>{t.key}</dt>
                          <dd data-testid="version-tag">{t.value}</dd>
                        </>
                      )}
                    </For>
                  </dl>
                </section>
              </div>
              <section class="cat-panel" style={{ 'margin-top': '16px' }}>
                <h3>Aliases</h3>
                <AliasForm
                  repo={repo()}
                  model={v().name}
                  versions={[v().version]}
                  version={v().version}
                  aliases={model()?.aliases ?? []}
                  onChanged={() => void reload()}
                />
              </section>
              <div class="cat-grid2" style={{ 'margin-top': '16px' }}>
                <section class="cat-panel" data-testid="version-files">
                  <h3>Files</h3>
                  <Show
                    when={(files()?.files.length ?? 0) > 0}
                    fallback={<p class="cat-sub">No files found at this version's location.</p>}
                  >
                    <table class="cat-table">
                      <tbody>
                        <For each={files()!.files}>
                          {(f) => (
                            <tr>
                              <td class="path">{f.path}</td>
                              <td class="num">{formatSize(f.size)}</td>
                            </tr>
                          )}
                        </For>
                      </tbody>
                    </table>
                  </Show>
                </section>
                <section class="cat-panel" data-testid="mlmodel">
                  <h3>MLmodel</h3>
                  <Show when={files()?.mlmodel} fallback={<p class="cat-sub">This version has no MLmodel file.</p>}>
                    {(text) => (
                      <>
                        <Show when={mlmodel()}>
                          {(s) => (
                            <dl class="cat-kv" style={{ 'margin-bottom': '8px' }}>
                              <dt>Flavors</dt>
                              <dd>
                                <For each={s().flavors}>
                                  {(f) => (
                                    <span class="pill" data-testid="flavor">
                                      {f.name}
                                      {f.version ? ` ${f.version}` : ''}
                                    </span>
                                  )}
                                </For>
                              </dd>
                              <Show when={s().loader}>
                                <dt>Loader</dt>
                                <dd>
                                  <code>{s().loader}</code>
                                </dd>
                              </Show>
                              <Show when={s().python}>
                                <dt>Python</dt>
                                <dd>{s().python}</dd>
                              </Show>
                              <Show when={s().created}>
                                <dt>Created</dt>
                                <dd>{s().created}</dd>
                              </Show>
                            </dl>
                          )}
                        </Show>
                        <pre class="cat-pre">{text()}</pre>
                      </>
                    )}
                  </Show>
                </section>
              </div>
            </>
          )}
        </Show>
      </Show>
    </div>
  );
}
