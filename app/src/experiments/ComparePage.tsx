/**
 * Compare any number of runs (`/owner/repo/experiments/compare?runs=…`): params and metrics
 * side by side (differences highlighted, transposable), parallel coordinates, a bar chart of
 * final values, a scatter of two columns coloured by a third, and metric histories. Works
 * offline from the store; histories fetched once are kept there.
 */
import type { MetricPoint, Run } from '@cairn/core/runs';
import { useParams, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, Show } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { HistoryChart } from './HistoryChart.tsx';
import { ParallelCoordinates } from './ParallelCoordinates.tsx';
import { type Column, cellValue, columnsOf, differingColumns, formatCell, parseColumnId } from './run-columns.ts';
import { experimentsDb, type RunRow } from './run-store.ts';
import { ScatterChart } from './ScatterChart.tsx';
import { metricHistory } from './server-runs.ts';
import { type CompareViewState, readCompareState, writeCompareState } from './view-state.ts';
import './experiments.css';

const TABLE_RUNS = 200;

export default function ComparePage() {
  const params = useParams<{ owner: string; repo: string }>();
  const [search, setSearch] = useSearchParams();
  const repo = () => `${params.owner}/${params.repo}`;
  const state = createMemo<CompareViewState>(() => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(search)) if (typeof v === 'string') p.set(k, v);
    return readCompareState(p);
  });
  const update = (patch: Partial<CompareViewState>) => {
    const next = writeCompareState({ ...state(), ...patch });
    const all: Record<string, string | undefined> = {};
    for (const k of ['runs', 'x', 'smooth', 'log', 'color', 'metric', 't', 'logaxes', 'sx', 'sy'])
      all[k] = next.get(k) ?? undefined;
    setSearch(all, { replace: true });
  };
  const [rows, setRows] = createSignal<RunRow[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  createEffect(() => {
    const ids = state().runs;
    void experimentsDb()
      .runs.bulkGet(ids.map((id) => [repo(), id] as [string, string]))
      .then((r) => {
        setRows(r.filter((x): x is RunRow => x !== undefined));
        setLoaded(true);
      });
  });
  const runs = createMemo(() => rows().map((r) => r.run));
  const cols = createMemo(() => columnsOf(runs()).filter((c) => c.kind !== 'attr'));
  const differing = createMemo(() => new Set(differingColumns(runs(), cols(), 'last').map((c) => c.id)));
  const metrics = createMemo(() => cols().filter((c) => c.kind === 'metric'));
  const metric = createMemo(() => state().metric ?? metrics()[0]?.key ?? null);
  const pcColumns = createMemo(() => {
    const p = cols()
      .filter((c) => c.kind === 'param' && differing().has(c.id))
      .slice(0, 8);
    return [...p, ...metrics().slice(0, 8)];
  });
  const colorBy = createMemo<Column | null>(() =>
    state().colorBy ? parseColumnId(state().colorBy as string) : (metrics()[0] ?? null),
  );
  // Runs inside the parallel-coordinates brushes (null: no brush); the table marks them.
  const [brushed, setBrushed] = createSignal<Set<string> | null>(null);
  const inBrush = (id: string) => {
    const b = brushed();
    return b === null ? null : b.has(id);
  };
  // The side-by-side table is a DOM table: past TABLE_RUNS runs it shows the first ones (the
  // brushed ones first when a brush is set) and says so; the charts always show every run.
  const tableRuns = createMemo(() => {
    const all = runs();
    if (all.length <= TABLE_RUNS) return all;
    const b = brushed();
    const list = b ? [...all.filter((r) => b.has(r.id)), ...all.filter((r) => !b.has(r.id))] : all;
    return list.slice(0, TABLE_RUNS);
  });
  const [histories, setHistories] = createSignal(new Map<string, MetricPoint[]>());
  createEffect(() => {
    const m = metric();
    const list = runs();
    if (!m) return;
    void Promise.all(
      list.map(
        async (r) =>
          [
            r.id,
            await metricHistory(experimentsDb(), navigator.onLine ? defaultServer() : null, repo(), r, m).catch(
              () => [],
            ),
          ] as const,
      ),
    ).then((pairs) => setHistories(new Map(pairs)));
  });

  return (
    <div class="cmp-page" data-testid="compare-page">
      <Show when={loaded()} fallback={<p>Loading runs…</p>}>
        <p>
          Comparing {runs().length} runs. <a href={`/${repo()}/experiments`}>Back to all runs</a>
        </p>
        <section class="cmp-section">
          <h2>Params and metrics</h2>
          <label>
            <input
              type="checkbox"
              checked={state().transposed}
              onChange={(e) => update({ transposed: e.currentTarget.checked })}
            />{' '}
            Transpose
          </label>
          <Show when={runs().length > TABLE_RUNS}>
            <p class="exp-note">
              The table shows {TABLE_RUNS} of {runs().length} runs{brushed() ? ', brushed ones first' : ''}; the charts
              below show them all.
            </p>
          </Show>
          <div class="cmp-table" data-testid="compare-table">
            <Show
              when={!state().transposed}
              fallback={<TransposedTable runs={tableRuns()} cols={cols()} differing={differing()} inBrush={inBrush} />}
            >
              <table>
                <thead>
                  <tr>
                    <th />
                    <For each={tableRuns()}>
                      {(r) => (
                        <th classList={{ brushed: inBrush(r.id) === true, unbrushed: inBrush(r.id) === false }}>
                          {r.name}
                        </th>
                      )}
                    </For>
                  </tr>
                </thead>
                <tbody>
                  <For each={cols()}>
                    {(c) => (
                      <tr>
                        <th>{c.id}</th>
                        <For each={tableRuns()}>
                          {(r) => (
                            <td classList={{ differs: differing().has(c.id), unbrushed: inBrush(r.id) === false }}>
                              {formatCell(cellValue(r, c), c)}
                            </td>
                          )}
                        </For>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </div>
        </section>
        <section class="cmp-section">
          <h2>Parallel coordinates</h2>
          <div class="cmp-controls">
            <label>
              Colour by{' '}
              <select value={colorBy()?.id ?? ''} onChange={(e) => update({ colorBy: e.currentTarget.value || null })}>
                <For each={pcColumns()}>{(c) => <option value={c.id}>{c.id}</option>}</For>
              </select>
            </label>
            <span>Log axes:</span>
            <For each={pcColumns().filter((c) => c.kind === 'metric' || c.kind === 'param')}>
              {(c) => (
                <label>
                  <input
                    type="checkbox"
                    checked={state().logAxes.includes(c.id)}
                    onChange={(e) =>
                      update({
                        logAxes: e.currentTarget.checked
                          ? [...state().logAxes, c.id]
                          : state().logAxes.filter((x) => x !== c.id),
                      })
                    }
                  />
                  {c.key}
                </label>
              )}
            </For>
          </div>
          <ParallelCoordinates
            runs={runs()}
            columns={pcColumns()}
            summary="last"
            logAxes={state().logAxes}
            colorBy={colorBy()}
            onSelect={setBrushed}
          />
          <p class="exp-note" data-testid="brush-status">
            {(() => {
              const b = brushed();
              return b
                ? `${b.size} of ${runs().length} runs inside the brushes (dimmed in the table above otherwise); double-click the plot to clear.`
                : 'Drag along an axis to brush; the table above dims the runs outside.';
            })()}
          </p>
        </section>
        <div class="cmp-grid">
          <section class="cmp-section">
            <h2>Scatter</h2>
            <ScatterChart
              runs={runs()}
              columns={pcColumns()}
              x={state().scatterX ?? pcColumns()[0]?.id ?? null}
              y={state().scatterY ?? metrics()[0]?.id ?? null}
              color={colorBy()}
              onAxes={(sx, sy) => update({ scatterX: sx, scatterY: sy })}
            />
          </section>
          <section class="cmp-section">
            <h2>Final values</h2>
            <ScatterChart
              runs={runs()}
              columns={metrics()}
              x={null}
              y={metric() ? `metric:${metric()}` : null}
              color={colorBy()}
              bars
              onAxes={() => {}}
            />
          </section>
        </div>
        <section class="cmp-section">
          <h2>Metric history</h2>
          <div class="cmp-controls">
            <select value={metric() ?? ''} onChange={(e) => update({ metric: e.currentTarget.value })}>
              <For each={metrics()}>{(c) => <option value={c.key}>{c.key}</option>}</For>
            </select>
            <select
              value={state().xAxis}
              onChange={(e) => update({ xAxis: e.currentTarget.value as CompareViewState['xAxis'] })}
            >
              <option value="step">step</option>
              <option value="wall">wall time</option>
              <option value="relative">relative time</option>
            </select>
            <label>
              Smoothing{' '}
              <input
                type="range"
                min="0"
                max="0.99"
                step="0.01"
                value={state().smoothing}
                onChange={(e) => update({ smoothing: Number(e.currentTarget.value) })}
              />
            </label>
            <label>
              <input
                type="checkbox"
                checked={state().logScale}
                onChange={(e) => update({ logScale: e.currentTarget.checked })}
              />{' '}
              Log scale
            </label>
          </div>
          <Show when={metric()}>
            {(m) => (
              <HistoryChart
                runs={runs()}
                histories={histories()}
                metric={m()}
                xAxis={state().xAxis}
                smoothing={state().smoothing}
                logScale={state().logScale}
              />
            )}
          </Show>
        </section>
      </Show>
    </div>
  );
}

function TransposedTable(props: {
  runs: Run[];
  cols: Column[];
  differing: Set<string>;
  inBrush: (id: string) => boolean | null;
}) {
  return (
    <table>
      <thead>
        <tr>
          <th>run</th>
          <For each={props.cols}>{(c) => <th>{c.id}</th>}</For>
        </tr>
      </thead>
      <tbody>
        <For each={props.runs}>
          {(r) => (
            <tr classList={{ brushed: props.inBrush(r.id) === true, unbrushed: props.inBrush(r.id) === false }}>
              <th>{r.name}</th>
              <For each={props.cols}>
                {(c) => <td classList={{ differs: props.differing.has(c.id) }}>{formatCell(cellValue(r, c), c)}</td>}
              </For>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
