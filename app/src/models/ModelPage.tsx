/**
 * `/owner/repo/models/NAME`: one registered model — description, tags, aliases (with a form to
 * set or move one) and every version with its stage, aliases, source run and that run's metrics;
 * pick two versions to compare their runs side by side. Reads the registry snapshot and the
 * run store on this device: works offline (changes need the network).
 */
import { A, useParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { ago } from '../data-tab/DataPage.tsx';
import { experimentsDb } from '../experiments/run-store.ts';
import { ready, valueNow } from '../files/ready.ts';
import { defaultServer } from '../sync/api.ts';
import { AliasForm } from './AliasForm.tsx';
import { SyncedNote } from './ModelsPage.tsx';
import { loadRegistry, reloadRegistryInto, versionUrl } from './registry-store.ts';
import '../catalog/catalog.css';

export default function ModelPage() {
  const params = useParams<{ owner: string; repo: string; name: string }>();
  const repo = () => `${params.owner}/${params.repo}`;
  const name = () => decodeURIComponent(params.name);
  const [registry, { mutate }] = createResource(repo, (r) => loadRegistry(defaultServer(), r));
  const model = createMemo(() => ready(registry)?.models.find((m) => m.name === name()));
  const versions = createMemo(() =>
    (ready(registry)?.versions ?? [])
      .filter((v) => v.name === name())
      .sort((a, b) => Number(b.version) - Number(a.version)),
  );
  const [runs] = createResource(versions, async (vs) => {
    const ids = [...new Set(vs.map((v) => v.run_id).filter((x): x is string => !!x))];
    const rows = await experimentsDb().runs.bulkGet(ids.map((id) => [repo(), id] as [string, string]));
    return new Map(rows.filter((r) => r !== undefined).map((r) => [r.id, r.run]));
  });
  const metricKeys = createMemo(() => {
    const keys = new Set<string>();
    for (const r of valueNow(runs)?.values() ?? []) for (const k of Object.keys(r.metrics)) keys.add(k);
    return [...keys].sort().slice(0, 4);
  });
  const [picked, setPicked] = createSignal<string[]>([]);
  const compareHref = () => {
    const ids = picked()
      .map((v) => versions().find((x) => x.version === v)?.run_id)
      .filter(Boolean);
    return `/${repo()}/experiments/compare?runs=${ids.map((id) => encodeURIComponent(id!)).join(',')}`;
  };
  const reload = () => reloadRegistryInto(repo(), mutate);

  return (
    <div data-testid="model-page">
      <p class="cat-sub">
        <A href={`/${repo()}/models`}>Models</A> / {name()}
      </p>
      <Show when={!registry.loading || ready(registry)} fallback={<p class="muted">Loading the registry…</p>}>
        <Show
          when={model()}
          fallback={
            <p class="notice">
              No registered model named “{name()}” {ready(registry) ? 'in this repository' : 'on this device yet'}.{' '}
              <A href={`/${repo()}/models`}>All models</A>
            </p>
          }
        >
          {(m) => (
            <>
              <div class="cat-toolbar">
                <h2 style={{ margin: 0 }} data-testid="model-name">
                  {m().name}
                </h2>
                <For each={m().aliases ?? []}>
                  {(a) => (
                    <A href={versionUrl(repo(), m().name, a.version)} class="pill alias" data-testid="alias">
                      @{a.alias} → v{a.version}
                    </A>
                  )}
                </For>
                <SyncedNote at={ready(registry)?.syncedAt} />
              </div>
              <Show when={m().description}>
                <p>{m().description}</p>
              </Show>
              <Show when={(m().tags ?? []).length > 0}>
                <p>
                  <For each={m().tags}>
                    {(t) => (
                      <span class="pill">
                        {t.key}: {t.value}
                      </span>
                    )}
                  </For>
                </p>
              </Show>
              <div class="cat-panel">
                <h3>Aliases</h3>
                <AliasForm
                  repo={repo()}
                  model={m().name}
                  versions={versions().map((v) => v.version)}
                  aliases={m().aliases ?? []}
                  onChanged={() => void reload()}
                />
              </div>
              <div class="cat-toolbar" style={{ 'margin-top': '16px' }}>
                <h3 style={{ margin: 0 }}>Versions ({versions().length})</h3>
                <Show when={picked().length === 2}>
                  <A class="button" href={compareHref()} data-testid="compare-versions">
                    Compare v{picked()[0]} and v{picked()[1]}
                  </A>
                </Show>
                <Show when={picked().length < 2 && versions().length > 1}>
                  <span class="cat-sub">tick two versions to compare their runs</span>
                </Show>
              </div>
              <div class="cat-table-wrap">
                <table class="cat-table stack" data-testid="versions-table">
                  <thead>
                    <tr>
                      <th />
                      <th>Version</th>
                      <th>Aliases</th>
                      <th>Source run</th>
                      <For each={metricKeys()}>{(k) => <th>{k}</th>}</For>
                      <th class="cat-hide-narrow">Stage</th>
                      <th class="cat-hide-narrow">Registered</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={versions()}>
                      {(v) => {
                        const run = () => (v.run_id ? valueNow(runs)?.get(v.run_id) : undefined);
                        return (
                          <tr data-testid="version-row" data-version={v.version}>
                            <td>
                              <input
                                type="checkbox"
                                aria-label={`Compare version ${v.version}`}
                                disabled={!v.run_id}
                                checked={picked().includes(v.version)}
                                onChange={(e) =>
                                  setPicked((p) =>
                                    e.currentTarget.checked
                                      ? [...p.filter((x) => x !== v.version), v.version].slice(-2)
                                      : p.filter((x) => x !== v.version),
                                  )
                                }
                              />
                            </td>
                            <td>
                              <A href={versionUrl(repo(), v.name, v.version)}>
                                <strong>Version {v.version}</strong>
                              </A>
                            </td>
                            <td data-label="Aliases">
                              <div>
                                <For each={v.aliases ?? []} fallback={<span class="cat-sub">—</span>}>
                                  {(a) => <span class="pill alias">@{a}</span>}
                                </For>
                              </div>
                            </td>
                            <td data-label="Source run">
                              <Show when={v.run_id} fallback={<span class="cat-sub">{v.source}</span>}>
                                {(id) => (
                                  <A href={`/${repo()}/experiments/runs/${encodeURIComponent(id())}`}>
                                    {run()?.name ?? id().slice(0, 8)}
                                  </A>
                                )}
                              </Show>
                            </td>
                            <For each={metricKeys()}>
                              {(k) => (
                                <td class="num" data-label={k}>
                                  {run()?.metrics[k] !== undefined ? Number(run()!.metrics[k]!.toPrecision(4)) : '—'}
                                </td>
                              )}
                            </For>
                            <td class="cat-hide-narrow">
                              {v.current_stage === 'None' ? <span class="cat-sub">—</span> : v.current_stage}
                            </td>
                            <td class="cat-hide-narrow">{ago(v.creation_timestamp / 1000)}</td>
                          </tr>
                        );
                      }}
                    </For>
                  </tbody>
                </table>
              </div>
            </>
          )}
        </Show>
      </Show>
    </div>
  );
}
