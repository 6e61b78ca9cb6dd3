/**
 * Compare any number of runs (`/owner/repo/experiments/compare?runs=…`): params and metrics
 * side by side (differences highlighted, transposable), parallel coordinates, a bar chart of
 * final values, a scatter of two columns, and metric histories. The defaults answer a
 * question: the metric shown is one that varies across the runs, and axes on which every run
 * is equal are hidden (a checkbox shows them). Every select shows what is plotted. Works
 * offline from the store; histories fetched once are kept there. The comparison has a live
 * note (one per set of runs, whatever their order), which records this view's URL so the Notes
 * tab links back to it.
 */
import { useLocation, useParams, useSearchParams } from '@solidjs/router';
import { batch, createEffect, createMemo, createSignal, For, onCleanup, Show, untrack } from 'solid-js';
import { comparedRuns } from '../notes/doc-names.ts';
import { TargetNote } from '../notes/TargetNote.tsx';
import { defaultServer } from '../sync/api.ts';
import { CompareTable } from './CompareTable.tsx';
import { ComparedRuns } from './compare-client.ts';
import type { ViewAsk } from './compare-protocol.ts';
import { type ComparedRun, type CompareSummary, type CompareView, chartedMetric } from './compare-set.ts';
import { HistoryChart, newVisit, prefetchHistories, type StoredHistories } from './HistoryChart.tsx';
import { ParallelCoordinates } from './ParallelCoordinates.tsx';
import type { PcTableRuns } from './pc-runs.ts';
import { type Column, formatCell, parseColumnId } from './run-columns.ts';
import { experimentsDb } from './run-store.ts';
import { columnLabel, ScatterChart } from './ScatterChart.tsx';
import { metricHistories } from './server-runs.ts';
import { type CompareViewState, readCompareState, writeCompareState } from './view-state.ts';
import './experiments.css';

/**
 * Runs side by side in the table at most: 50 columns of runs is more than a screen holds (the
 * charts show every run).
 */
const TABLE_RUNS = 50;
/** The charts come in this many painted steps after the table's first runs. */
const CHART_STEPS = 4;

const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

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
  // The runs are read and kept by the compare worker (compare-set.ts): this page holds a light
  // record per run and asks for what it draws, so no 1,000 run objects are made (and collected)
  // on its thread. Only a new list of runs reads them again, not a change of the view.
  const ids = createMemo(() => state().runs, undefined, { equals: (a, b) => a.join('\n') === b.join('\n') });
  const [opened, setOpened] = createSignal<{ set: ComparedRuns; summary: CompareSummary } | null>(null);
  /** The ranking and table runs shown, with what they were asked for. */
  const [shown, setShown] = createSignal<{ set: ComparedRuns; ask: ViewAsk; view: CompareView } | null>(null);
  const [failure, setFailure] = createSignal<string | null>(null);
  /** How long the worker took to read the runs, and the page waited for them (the bench reads both). */
  const [openTimes, setOpenTimes] = createSignal({ readMs: '', shapeMs: '', waitedMs: '' });
  createEffect(() => {
    const list = ids();
    const r = repo();
    let stale = false;
    let set: ComparedRuns | null = null;
    onCleanup(() => {
      stale = true;
      set?.close();
    });
    const ask: ViewAsk = { metric: untrack(() => state().metric), brushed: null, tableRuns: TABLE_RUNS };
    const asked = performance.now();
    ComparedRuns.open(r, list, ask).then(
      (o) => {
        if (stale) return o.runs.close();
        set = o.runs;
        batch(() => {
          setOpenTimes({
            readMs: o.readMs.toFixed(1),
            shapeMs: o.shapeMs.toFixed(1),
            waitedMs: (performance.now() - asked).toFixed(1),
          });
          setFailure(null);
          setBrushed(null);
          setOpened({ set: o.runs, summary: o.summary });
          setShown({ set: o.runs, ask: { ...ask, metric: o.view.metric }, view: o.view });
          // The charted metric's histories are the slowest part: the worker reads and shapes them
          // now, while this thread renders the page (the chart's own request joins that). The
          // chart's width is not laid out yet: the window's stands in (it only sets how many x
          // buckets, and for many runs those are fewer than the width gives anyway).
          const stored = storedHistories();
          const { xAxis, smoothing } = untrack(state);
          if (stored) prefetchHistories(runs(), stored, { xAxis, smoothing, width: window.innerWidth });
        });
      },
      (err: unknown) => {
        if (!stale) setFailure(err instanceof Error ? err.message : String(err));
      },
    );
  });
  const loaded = () => shown() !== null;
  const runs = createMemo<ComparedRun[]>(() => opened()?.summary.runs ?? []);
  const positionOf = createMemo(() => new Map(runs().map((r, i) => [r.id, i])));
  const location = useLocation();
  // The note is the selection's (sorted ids); it records the runs' names and this exact view.
  const noteRuns = createMemo(() => comparedRuns(state().runs), undefined, {
    equals: (a, b) => a.join('\n') === b.join('\n'),
  });
  const noteView = createMemo(() => {
    const byId = new Map(runs().map((r) => [r.id, r.name]));
    return {
      names: noteRuns().map((id) => byId.get(id) ?? id.slice(0, 8)),
      url: `${location.pathname}${location.search}`,
    };
  });
  /** Two runs that each name a commit: their code compared (`/compare/A...B`, oldest first). */
  const codeCompare = createMemo(() => {
    const list = runs();
    const commits = opened()?.summary.commits ?? [];
    if (list.length !== 2) return null;
    const [a, b] = [0, 1].sort((x, y) => (list[x]?.startTime ?? 0) - (list[y]?.startTime ?? 0));
    const ca = commits[a as number];
    const cb = commits[b as number];
    return ca && cb && ca !== cb ? `/${repo()}/compare/${ca}...${cb}` : null;
  });
  const cols = createMemo(() => opened()?.summary.cols ?? []);
  const differing = createMemo(() => new Set(opened()?.summary.differing ?? []));
  const metrics = createMemo(() => cols().filter((c) => c.kind === 'metric'));
  // The metric the selects show (the worker's ranking of it follows: view()).
  const metric = createMemo(() => chartedMetric(state().metric, cols(), differing(), opened()?.summary.valued ?? {}));
  const [showConstant, setShowConstant] = createSignal(false);
  // Runs inside the parallel-coordinates brushes (null: no brush); the table marks them.
  const [brushed, setBrushed] = createSignal<Set<string> | null>(null);
  // A new metric or brush: the ranking and the table's runs asked again (the last shown stay meanwhile).
  createEffect(() => {
    const o = opened();
    const m = metric();
    const b = brushed();
    const now = untrack(shown);
    if (!o || !now || now.set !== o.set) return;
    const positions = b ? [...b].map((id) => positionOf().get(id) ?? -1).filter((i) => i >= 0) : null;
    const same = (x: number[] | null, y: number[] | null) =>
      x === null ? y === null : y !== null && x.join() === y.join();
    if (now.ask.metric === m && same(now.ask.brushed, positions)) return;
    const ask: ViewAsk = { metric: m, brushed: positions, tableRuns: TABLE_RUNS };
    let stale = false;
    onCleanup(() => {
      stale = true;
    });
    o.set.view(ask).then(
      (view) => !stale && setShown({ set: o.set, ask, view }),
      (err: unknown) => !stale && setFailure(err instanceof Error ? err.message : String(err)),
    );
  });
  const view = () => shown()?.view ?? null;
  /** The metric of the ranking, table and history shown. */
  const shownMetric = () => view()?.metric ?? null;
  const shownMetricCol = createMemo(() => metrics().find((c) => c.key === shownMetric()) ?? null);
  const best = createMemo(() => {
    const b = view()?.best;
    const run = b ? runs()[b.index] : undefined;
    return b && run ? { run, value: b.value } : null;
  });
  const pcColumns = createMemo(() => {
    const keep = (c: Column) => showConstant() || differing().has(c.id);
    const p = cols()
      .filter((c) => c.kind === 'param' && keep(c))
      .slice(0, 8);
    return [...p, ...metrics().filter(keep).slice(0, 8)];
  });
  const hiddenAxes = createMemo(() => cols().filter((c) => c.kind !== 'tag' && !differing().has(c.id)).length);
  const metricCol = createMemo(() => metrics().find((c) => c.key === metric()) ?? null);
  const colorBy = createMemo<Column | null>(() =>
    state().colorBy ? parseColumnId(state().colorBy as string) : (metricCol() ?? metrics()[0] ?? null),
  );
  const scatterX = createMemo(
    () =>
      state().scatterX ??
      pcColumns().find((c) => c.kind === 'param')?.id ??
      pcColumns().find((c) => c.kind === 'metric' && c.key !== metric())?.id ??
      null,
  );
  const scatterY = createMemo(() => state().scatterY ?? metricCol()?.id ?? null);
  const inBrush = (id: string) => {
    const b = brushed();
    return b === null ? null : b.has(id);
  };
  // Every compared run, read column-wise from the worker by the charts.
  const plotted = createMemo<PcTableRuns | null>(() => {
    const o = opened();
    if (!o) return null;
    const list = o.summary.runs;
    return {
      slots: Uint32Array.from(list, (_, i) => i),
      read: (slots, specs, summary) => o.set.columns(slots, specs, summary),
      idOf: (slot) => list[slot]?.id,
    };
  });
  const readColumns = (cs: Column[]) => {
    const p = plotted();
    if (!p) return Promise.resolve([]);
    return p
      .read(
        p.slots,
        cs.map((col) => ({ col, log: false })),
        'last',
      )
      .then((a) => a.columns);
  };
  const names = createMemo(() => runs().map((r) => r.name));
  // The page is built in painted steps: the answer and the table (its rows in view), then the
  // charts and the note (all at once was one task of 150–250 ms at 1,000 runs; the worker reads
  // and shapes the histories meanwhile). 1: the history chart (its worker's answer is the longest
  // awaited); 2: the note and parallel coordinates too; 3: the scatter; 4: the final values' bars
  // (both scatters in one step was a task of 50–70 ms at 1,000 runs, and all charts at once 50–90).
  const [chartsShown, setChartsShown] = createSignal(0);
  createEffect(() => {
    if (!loaded()) return;
    let frame = 0;
    let timer = 0;
    // After each painted frame (the next task after an animation frame), one more step.
    const step = () => {
      frame = requestAnimationFrame(() => {
        timer = window.setTimeout(() => {
          setChartsShown((n) => n + 1);
          if (untrack(chartsShown) < CHART_STEPS) step();
        }, 0);
      });
    };
    step();
    onCleanup(() => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    });
  });
  // The side-by-side table: past TABLE_RUNS runs it shows the first ones (the brushed ones
  // first when a brush is set, then best first: the worker's view) and says so; the charts
  // always show every run.
  const tableRuns = () => view()?.table ?? [];
  // The table's rows: the charted metric, then what differs (highlighted), then what is the same.
  const tableCols = createMemo(() => {
    const m = shownMetricCol()?.id;
    const d = differing();
    const rank = (c: Column) => (c.id === m ? 0 : d.has(c.id) ? 1 : 2);
    return [...cols()].sort((a, b) => rank(a) - rank(b));
  });
  const differs = createMemo(() => {
    const d = cols().filter((c) => c.kind !== 'tag' && differing().has(c.id));
    return {
      params: d.filter((c) => c.kind === 'param').length,
      metrics: d.filter((c) => c.kind === 'metric').length,
      same: cols().filter((c) => c.kind !== 'tag' && !differing().has(c.id)).length,
    };
  });
  // The charted metric's histories are read from the store by the chart's worker (a million
  // stored numbers never cross this thread); those it lacks are fetched here once and stored.
  // What the chart's worker reads for this visit is kept for it (smoothing or x changes read
  // nothing again), and read afresh on the next visit. Each run's key of the metric comes with
  // the view (a git run names it as its file does); a new brush keeps the same histories.
  const visit = newVisit();
  const storedHistories = createMemo<(StoredHistories & { metric: string; set: ComparedRuns }) | null>(
    () => {
      const s = shown();
      const m = s?.view.metric;
      if (!s || !m) return null;
      const keyOf = new Map(runs().map((r, i) => [r.id, s.view.historyKeys[i] ?? m]));
      const key = (r: { id: string }) => keyOf.get(r.id) ?? m;
      return {
        repo: repo(),
        key,
        visit,
        metric: m,
        set: s.set,
        fetchMissing: (lacking) =>
          metricHistories(experimentsDb(), navigator.onLine ? defaultServer() : null, repo(), lacking, key),
      };
    },
    null,
    {
      equals: (a, b) =>
        a === b || (a !== null && b !== null && a.metric === b.metric && a.set === b.set && a.repo === b.repo),
    },
  );

  return (
    <div
      class="cmp-page"
      data-testid="compare-page"
      data-read-ms={openTimes().readMs}
      data-shape-ms={openTimes().shapeMs}
      data-waited-ms={openTimes().waitedMs}
    >
      <Show when={failure()}>
        {(message) => (
          <p class="error" role="alert" data-testid="compare-error">
            Could not read the compared runs: {message()}. Reload the page to read them again.
          </p>
        )}
      </Show>
      <Show when={loaded()} fallback={failure() ? null : <p>Loading runs…</p>}>
        <div class="cmp-head">
          <p>
            Comparing {runs().length.toLocaleString('en')} {runs().length === 1 ? 'run' : 'runs'}.{' '}
            <a href={`/${repo()}/experiments`}>Back to all runs</a>
            <Show when={codeCompare()}>
              {(href) => (
                <>
                  {' · '}
                  <a href={href()} data-testid="compare-code-two">
                    Compare code
                  </a>
                </>
              )}
            </Show>
          </p>
          <Show when={best()}>
            {(b) => (
              <p class="cmp-answer" data-testid="compare-best">
                Best by {shownMetric()} ({view()?.lowerIsBetter ? 'lowest' : 'highest'} last value):{' '}
                <a href={`/${repo()}/experiments/runs/${encodeURIComponent(b().run.id)}`}>{b().run.name}</a> at{' '}
                {formatCell(b().value, shownMetricCol() as Column)}
                {(view()?.withValue ?? 0) < runs().length
                  ? ` (${(view()?.withValue ?? 0).toLocaleString('en')} of ${runs().length.toLocaleString('en')} runs have it)`
                  : ''}
                .
              </p>
            )}
          </Show>
          <Show when={runs().length > 1}>
            <p class="cmp-answer" data-testid="compare-differs">
              {differs().params + differs().metrics === 0
                ? 'Every param and metric is the same in these runs.'
                : `What differs: ${plural(differs().params, 'param')} and ${plural(differs().metrics, 'metric')} (highlighted, first in the table)${differs().same ? `; ${plural(differs().same, 'other')} the same in every run` : ''}.`}
            </p>
          </Show>
        </div>
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
              The table shows {TABLE_RUNS} of {runs().length.toLocaleString('en')} runs
              {brushed() ? ', brushed ones first' : ''}
              {best() ? `, the best by ${shownMetric()} first` : ''}; the charts below show them all.
            </p>
          </Show>
          <CompareTable
            runs={tableRuns()}
            cols={tableCols()}
            differing={differing()}
            inBrush={inBrush}
            bestId={best()?.run.id ?? null}
            metric={shownMetric()}
            transposed={state().transposed}
          />
        </section>
        <Show when={chartsShown() >= 2}>
          <Show when={noteRuns().length > 0}>
            <div class="cmp-note" data-testid="compare-note">
              <TargetNote
                repo={repo()}
                target={{ kind: 'compare', runs: noteRuns() }}
                title="Comparison note"
                comparison={noteView()}
              />
            </div>
          </Show>
          <section class="cmp-section">
            <h2>Parallel coordinates</h2>
            <div class="cmp-controls">
              <label>
                Colour by{' '}
                <select data-testid="color-by" onChange={(e) => update({ colorBy: e.currentTarget.value || null })}>
                  <For each={pcColumns()}>
                    {(c) => (
                      <option value={c.id} selected={c.id === colorBy()?.id}>
                        {columnLabel(c)}
                      </option>
                    )}
                  </For>
                </select>
              </label>
              <label>
                <input
                  type="checkbox"
                  data-testid="show-constant"
                  checked={showConstant()}
                  onChange={(e) => setShowConstant(e.currentTarget.checked)}
                />{' '}
                Show constant axes{hiddenAxes() > 0 && !showConstant() ? ` (${hiddenAxes()} hidden)` : ''}
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
            <Show when={plotted()}>
              {(table) => (
                <ParallelCoordinates
                  table={table()}
                  columns={pcColumns()}
                  summary="last"
                  logAxes={state().logAxes}
                  colorBy={colorBy()}
                  onSelect={setBrushed}
                />
              )}
            </Show>
            <p class="exp-note" data-testid="brush-status">
              {(() => {
                const b = brushed();
                return b
                  ? `${b.size.toLocaleString('en')} of ${runs().length.toLocaleString('en')} runs inside the brushes (dimmed in the table above otherwise); double-click the plot to clear.`
                  : 'Drag along an axis to brush; the table above dims the runs outside.';
              })()}
            </p>
          </section>
        </Show>
        <Show when={chartsShown() >= 3}>
          <div class="cmp-grid">
            <section class="cmp-section">
              <h2>Scatter</h2>
              <ScatterChart
                names={names()}
                read={readColumns}
                columns={pcColumns()}
                x={scatterX()}
                y={scatterY()}
                onAxes={(sx, sy) => update({ scatterX: sx, scatterY: sy })}
              />
            </section>
            <section class="cmp-section">
              <h2>Final values</h2>
              <Show when={chartsShown() >= 4}>
                <ScatterChart
                  names={names()}
                  read={readColumns}
                  columns={metrics()}
                  x={null}
                  y={metricCol()?.id ?? null}
                  bars
                  onAxes={() => {}}
                />
              </Show>
            </section>
          </div>
        </Show>
        <Show when={chartsShown() > 0}>
          <section class="cmp-section">
            <h2>Metric history</h2>
            <div class="cmp-controls">
              <label>
                Metric{' '}
                <select data-testid="history-metric" onChange={(e) => update({ metric: e.currentTarget.value })}>
                  <For each={metrics()}>
                    {(c) => (
                      <option value={c.key} selected={c.key === metric()}>
                        {c.key}
                      </option>
                    )}
                  </For>
                </select>
              </label>
              <label>
                x axis{' '}
                <select
                  data-testid="history-x"
                  onChange={(e) => update({ xAxis: e.currentTarget.value as CompareViewState['xAxis'] })}
                >
                  <option value="step" selected={state().xAxis === 'step'}>
                    step
                  </option>
                  <option value="wall" selected={state().xAxis === 'wall'}>
                    wall time
                  </option>
                  <option value="relative" selected={state().xAxis === 'relative'}>
                    relative time
                  </option>
                </select>
              </label>
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
            <Show when={storedHistories()}>
              {(stored) => (
                <HistoryChart
                  runs={runs()}
                  stored={stored()}
                  metric={stored().metric}
                  xAxis={state().xAxis}
                  smoothing={state().smoothing}
                  logScale={state().logScale}
                />
              )}
            </Show>
          </section>
        </Show>
      </Show>
    </div>
  );
}
