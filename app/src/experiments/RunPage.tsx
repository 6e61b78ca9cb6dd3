/**
 * One run (`/owner/repo/experiments/runs/ID`): params, metrics with their history charts, tags,
 * artifacts (list and download, MLflow runs) and the commit it belongs to (git experiments),
 * with a link to compare its code with another run's commit.
 */
import type { MetricPoint } from '@cairn/core/runs';
import { useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { RegisterFromRun } from '../models/RegisterFromRun.tsx';
import { TargetNote } from '../notes/TargetNote.tsx';
import { defaultServer } from '../sync/api.ts';
import { HistoryChart } from './HistoryChart.tsx';
import { columnsOfPoints } from './history-series.ts';
import { RunArtifacts } from './RunArtifacts.tsx';
import { RunCommit } from './RunCommit.tsx';
import { experimentsDb } from './run-store.ts';
import { metricHistory, pullRunFeed } from './server-runs.ts';
import './experiments.css';
import { rereadInTransition } from '../files/ready.ts';

/** A run's params or tags: one `<dt>` key, `<dd>` value pair each. */
function Pairs(props: { entries: [string, string][] }) {
  return (
    <dl>
      <For each={props.entries}>
        {([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        )}
      </For>
    </dl>
  );
}

export default function RunPage() {
  const params = useParams<{ owner: string; repo: string; runId: string }>();
  const repo = () => `${params.owner}/${params.repo}`;
  const [row, { refetch }] = createResource(
    () => [repo(), decodeURIComponent(params.runId)] as [string, string],
    // A link opened on a device that has not synced this run yet: pull the feed once, then look again.
    async (key) =>
      (await experimentsDb().runs.get(key)) ??
      (navigator.onLine
        ? await pullRunFeed(experimentsDb(), defaultServer(), key[0])
            .then(() => experimentsDb().runs.get(key))
            .catch(() => undefined)
        : undefined),
  );
  // A running run moves on while it is looked at: follow the run feed, as the runs table does.
  // Read again in a transition, so the page stays until the new row is there (a resource loading
  // again outside one suspends the Layout's boundary, which took the whole page away each time).
  const follow = setInterval(() => {
    if (row()?.run.status !== 'RUNNING' || !navigator.onLine) return;
    void pullRunFeed(experimentsDb(), defaultServer(), repo())
      .then((changed) => {
        if (changed > 0) void rereadInTransition(refetch);
      })
      .catch(() => {});
  }, 3000);
  onCleanup(() => clearInterval(follow));
  const [histories, setHistories] = createSignal(new Map<string, MetricPoint[]>());
  createEffect(() => {
    const r = row()?.run;
    if (!r) return;
    for (const key of Object.keys(r.metrics)) {
      void metricHistory(experimentsDb(), navigator.onLine ? defaultServer() : null, repo(), r, key)
        .then((pts) => setHistories((m) => new Map(m).set(key, pts)))
        .catch(() => {});
    }
  });
  return (
    <div class="run-page" data-testid="run-page">
      <Show when={row()} fallback={<p>{row.loading ? 'Loading…' : 'This run is not on this device.'}</p>}>
        {(r) => (
          <>
            <h2>{r().run.name}</h2>
            <dl>
              <dt>id</dt>
              <dd>{r().run.id}</dd>
              <dt>status</dt>
              <dd>{r().run.status}</dd>
              <dt>started</dt>
              <dd>{r().run.startTime ? new Date(r().run.startTime as number).toLocaleString() : '—'}</dd>
              <RunCommit repo={repo()} row={r()} />
              <Show when={r().git}>
                {(g) => (
                  <>
                    <dt>metrics</dt>
                    <dd>{g().metricsState === 'in-dvc-data' ? 'in DVC data (not in git)' : g().metricsState}</dd>
                  </>
                )}
              </Show>
            </dl>
            <TargetNote repo={repo()} target={{ kind: 'run', id: r().run.id }} title="Run note" />
            <h3>Params</h3>
            <Pairs entries={Object.entries(r().run.params)} />
            <Show when={Object.keys(r().git?.outs ?? {}).length}>
              <h3>Outputs (dvc.lock)</h3>
              <dl data-testid="run-outs">
                <For each={Object.entries(r().git?.outs ?? {})}>
                  {([path, md5]) => (
                    <>
                      <dt>{path}</dt>
                      <dd>
                        <code>{md5}</code>
                      </dd>
                    </>
                  )}
                </For>
              </dl>
            </Show>
            <h3>Metrics</h3>
            <dl>
              <For each={Object.entries(r().run.metricSummaries)}>
                {([k, s]) => (
                  <>
                    <dt>{k}</dt>
                    <dd>
                      last {s.last} · min {s.min} · max {s.max} · {s.count} points
                    </dd>
                  </>
                )}
              </For>
            </dl>
            <For each={Object.keys(r().run.metrics)}>
              {(k) => (
                <Show when={(histories().get(k)?.length ?? 0) > 1}>
                  <HistoryChart
                    runs={[r().run]}
                    histories={new Map([[r().run.id, columnsOfPoints(histories().get(k) ?? [])]])}
                    metric={k}
                    xAxis="step"
                    smoothing={0}
                    logScale={false}
                  />
                </Show>
              )}
            </For>
            {/* `cairn.*` tags are the tools' own bookkeeping (e.g. the logger's client run id), as MLflow's UI hides `mlflow.*`. */}
            <h3>Tags</h3>
            <Pairs
              entries={Object.entries(r().run.tags).filter(
                ([k]) => !k.startsWith('cairn.') && !k.startsWith('dvc.out:'),
              )}
            />
            <Show when={r().origin === 'mlflow'}>
              <RunArtifacts
                server={defaultServer()}
                repo={repo()}
                runId={r().run.id}
                artifactUri={r().run.artifactUri}
              />
              <RegisterFromRun repo={repo()} runId={r().run.id} />
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
