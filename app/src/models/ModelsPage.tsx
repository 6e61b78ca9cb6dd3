/**
 * `/owner/repo/models`: the repository's registered models (MLflow Model Registry) with their
 * aliases and latest versions, and the model files kept in the repository with DVC (`.pkl`,
 * `.onnx`, `.pt`, … outputs of `.dvc` files and `dvc.lock`) with the stage and commit that made
 * them. Both read from the device (the registry snapshot, the git copy): works offline.
 */

import { A, useParams } from '@solidjs/router';
import { createMemo, createResource, For, Show } from 'solid-js';
import { isModelFile, shortMessage } from '../catalog/catalog.ts';
import { createCatalog } from '../catalog/catalog-client.ts';
import { ago } from '../data-tab/DataPage.tsx';
import { ready } from '../files/ready.ts';
import { commitUrl, treeUrl } from '../files/urls.ts';
import { defaultServer } from '../sync/api.ts';
import { isOnline } from '../sync/connectivity.ts';
import { formatSize } from '../viewers/view-file.ts';
import { loadRegistry, modelUrl, versionUrl } from './registry-store.ts';
import '../catalog/catalog.css';

export function SyncedNote(props: { at: number | undefined }) {
  return (
    <Show when={props.at}>
      {(at) => (
        <span class="cat-sub" data-testid="registry-synced">
          {isOnline() ? 'registry synced' : 'offline · registry as of'} {ago(at() / 1000)}
        </span>
      )}
    </Show>
  );
}

export default function ModelsPage() {
  const params = useParams<{ owner: string; repo: string }>();
  const repo = () => `${params.owner}/${params.repo}`;
  const [registry] = createResource(repo, (r) => loadRegistry(defaultServer(), r));
  const { catalog, session } = createCatalog();
  const dvcModels = createMemo(() => (ready(catalog)?.datasets ?? []).filter((d) => !d.isDir && isModelFile(d.path)));
  const models = () => ready(registry)?.models ?? [];

  return (
    <div data-testid="models-page">
      <div class="cat-toolbar">
        <h2 class="cat-section" style={{ margin: 0 }}>
          Registered models
        </h2>
        <SyncedNote at={ready(registry)?.syncedAt} />
      </div>
      <Show when={!registry.loading || ready(registry)} fallback={<p class="muted">Loading the registry…</p>}>
        <Show
          when={models().length > 0}
          fallback={
            <p class="notice" data-testid="models-empty">
              {ready(registry)
                ? 'No registered models yet. Register one from a run page (Register model), or with MLflow: '
                : 'The registry has not been synced to this device yet: open this page once while online. '}
              <code>mlflow.register_model("runs:/RUN_ID/model", "name")</code>
            </p>
          }
        >
          <div class="cat-table-wrap">
            <table class="cat-table stack" data-testid="models-table">
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Aliases</th>
                  <th>Latest version</th>
                  <th class="cat-hide-narrow">Updated</th>
                </tr>
              </thead>
              <tbody>
                <For each={models()}>
                  {(m) => {
                    const latest = () =>
                      [...(m.latest_versions ?? [])].sort((a, b) => Number(b.version) - Number(a.version))[0];
                    return (
                      <tr data-testid="model-row" data-name={m.name}>
                        <td>
                          <A href={modelUrl(repo(), m.name)}>
                            <strong>{m.name}</strong>
                          </A>
                          <Show when={m.description}>
                            <div class="cat-sub">{m.description}</div>
                          </Show>
                        </td>
                        <td data-label="Aliases">
                          <div>
                            <For each={m.aliases ?? []} fallback={<span class="cat-sub">—</span>}>
                              {(a) => (
                                <A href={versionUrl(repo(), m.name, a.version)} class="pill alias" data-testid="alias">
                                  @{a.alias} → v{a.version}
                                </A>
                              )}
                            </For>
                          </div>
                        </td>
                        <td data-label="Latest">
                          <Show when={latest()} fallback={<span class="cat-sub">no versions</span>}>
                            {(v) => (
                              <A href={versionUrl(repo(), m.name, v().version)} data-testid="latest-version">
                                Version {v().version}
                              </A>
                            )}
                          </Show>
                        </td>
                        <td class="cat-hide-narrow" data-label="Updated">
                          {ago(m.last_updated_timestamp / 1000)}
                        </td>
                      </tr>
                    );
                  }}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>

      <h2 class="cat-section">Model files in the repository (DVC)</h2>
      <Show
        when={ready(catalog)}
        fallback={
          <p class="muted">
            {session.error ? 'The repository is not on this device.' : 'Reading dvc.lock and .dvc files…'}
          </p>
        }
      >
        {(c) => (
          <Show
            when={dvcModels().length > 0}
            fallback={<p class="cat-sub">No model files (.pkl, .onnx, .pt, …) are tracked with DVC at {c().rev}.</p>}
          >
            <div class="cat-table-wrap">
              <table class="cat-table stack" data-testid="dvc-models-table">
                <thead>
                  <tr>
                    <th>File</th>
                    <th>Size</th>
                    <th>Made by</th>
                    <th>Commit</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={dvcModels()}>
                    {(d) => (
                      <tr data-testid="dvc-model-row">
                        <td>
                          <A class="path" href={treeUrl(params.owner, params.repo, c().rev, d.path)}>
                            {d.path}
                          </A>
                          <div class="cat-sub">{d.recordedIn}</div>
                        </td>
                        <td class="num" data-label="Size">
                          {formatSize(d.size)}
                        </td>
                        <td data-label="Made by">
                          <Show when={d.stage} fallback={<span class="cat-sub">dvc add</span>}>
                            {(st) => <A href={`/${repo()}/pipeline?node=${encodeURIComponent(st())}`}>stage {st()}</A>}
                          </Show>
                        </td>
                        <td data-label="Commit">
                          <Show when={d.changes[0]} fallback={<span class="cat-sub">—</span>}>
                            {(ch) => (
                              <span>
                                <A href={commitUrl(params.owner, params.repo, ch().oid)}>
                                  <code>{ch().oid.slice(0, 7)}</code>
                                </A>{' '}
                                <span class="cat-sub">{shortMessage(ch().message, 50)}</span>
                              </span>
                            )}
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </div>
  );
}
