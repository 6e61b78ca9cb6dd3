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
import { originalKey, type Run } from '@cairn/core/runs';
import { useLocation, useParams, useSearchParams } from '@solidjs/router';
import { batch, createEffect, createMemo, createSignal, For, onCleanup, Show, untrack } from 'solid-js';
import { comparedRuns } from '../notes/doc-names.ts';
import { TargetNote } from '../notes/TargetNote.tsx';
import { defaultServer } from '../sync/api.ts';
import { CompareTable } from './CompareTable.tsx';
import { rankRuns } from './compare-ranking.ts';
import { HistoryChart, newVisit, prefetchHistories, type StoredHistories } from './HistoryChart.tsx';
import { keyedRun } from './keyed-runs.ts';
import { ParallelCoordinates } from './ParallelCoordinates.tsx';
import { runCommit } from './RunCommit.tsx';
import { type Column, cellValue, columnsOf, differingColumns, formatCell, parseColumnId } from './run-columns.ts';
import { experimentsDb, getRuns, type RunRow } from './run-store.ts';
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
/** Runs read from the store per request (each request's reading is a task of its own). */
const READ_PAGE = 200;

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
  const [rows, setRows] = createSignal<RunRow[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  createEffect(() => {
    const ids = state().runs;
    let stale = false;
    onCleanup(() => {
      stale = true;
    });
    void (async () => {
      const read = await getRuns(experimentsDb(), repo(), ids, READ_PAGE, () => stale);
      if (read === null) return;
      // The page is built in a task of its own, not in the last read's.
      if (ids.length > READ_PAGE) await new Promise((r) => setTimeout(r, 0));
      if (stale) return;
      batch(() => {
        setRows(read);
        setLoaded(true);
        // The charted metric's histories are the slowest part: the worker reads and shapes them
        // now, while this thread renders the page (the chart's own request joins that). The
        // chart's width is not laid out yet: the window's stands in (it only sets how many x
        // buckets, and for many runs those are fewer than the width gives anyway).
        const stored = storedHistories();
        const { xAxis, smoothing } = state();
        if (stored) prefetchHistories(runs(), stored, { xAxis, smoothing, width: window.innerWidth });
      });
    })();
  });
  const runs = createMemo(() => rows().map((r) => keyedRun(r.run)));
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
    if (list.length !== 2) return null;
    const [a, b] = [...list].sort((x, y) => (x.startTime ?? 0) - (y.startTime ?? 0));
    const ca = a && runCommit(a)?.commit;
    const cb = b && runCommit(b)?.commit;
    return ca && cb && ca !== cb ? `/${repo()}/compare/${ca}...${cb}` : null;
  });
  const cols = createMemo(() => columnsOf(runs()).filter((c) => c.kind !== 'attr'));
  const differing = createMemo(() => new Set(differingColumns(runs(), cols(), 'last').map((c) => c.id)));
  const metrics = createMemo(() => cols().filter((c) => c.kind === 'metric'));
  // Metrics that vary across the runs, those most runs have first (validation ones first among equals).
  const varying = createMemo(() => {
    const have = (c: Column) => runs().filter((r) => cellValue(r, c) !== null).length;
    const score = (c: Column) => have(c) * 2 + (/^(val|valid|test|eval)/i.test(c.key) ? 1 : 0);
    return metrics()
      .filter((c) => differing().has(c.id))
      .map((c) => ({ c, s: score(c) }))
      .sort((a, b) => b.s - a.s)
      .map((x) => x.c);
  });
  const metric = createMemo(() => state().metric ?? varying()[0]?.key ?? metrics()[0]?.key ?? null);
  const metricCol = createMemo(() => metrics().find((c) => c.key === metric()) ?? null);
  // The runs best first by the charted metric: the table opens on them and the page names the best.
  const ranking = createMemo(() => rankRuns(runs(), metricCol()));
  const [showConstant, setShowConstant] = createSignal(false);
  const pcColumns = createMemo(() => {
    const keep = (c: Column) => showConstant() || differing().has(c.id);
    const p = cols()
      .filter((c) => c.kind === 'param' && keep(c))
      .slice(0, 8);
    return [...p, ...metrics().filter(keep).slice(0, 8)];
  });
  const hiddenAxes = createMemo(() => cols().filter((c) => c.kind !== 'tag' && !differing().has(c.id)).length);
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
  // Runs inside the parallel-coordinates brushes (null: no brush); the table marks them.
  const [brushed, setBrushed] = createSignal<Set<string> | null>(null);
  const inBrush = (id: string) => {
    const b = brushed();
    return b === null ? null : b.has(id);
  };
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
  // The side-by-side table: past TABLE_RUNS runs it shows the first ones (the
  // brushed ones first when a brush is set) and says so; the charts always show every run.
  const tableRuns = createMemo(() => {
    const all = ranking().runs;
    const b = brushed();
    const list = b ? [...all.filter((r) => b.has(r.id)), ...all.filter((r) => !b.has(r.id))] : all;
    return list.length <= TABLE_RUNS ? list : list.slice(0, TABLE_RUNS);
  });
  // The table's rows: the charted metric, then what differs (highlighted), then what is the same.
  const tableCols = createMemo(() => {
    const m = metricCol()?.id;
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
  // nothing again), and read afresh on the next visit.
  const visit = newVisit();
  const storedHistories = createMemo<StoredHistories | null>(() => {
    const m = metric();
    if (!m) return null;
    const key = (r: Run) => originalKey(r, 'metric', m);
    return {
      repo: repo(),
      key,
      visit,
      fetchMissing: (lacking) =>
        metricHistories(experimentsDb(), navigator.onLine ? defaultServer() : null, repo(), lacking, key),
    };
  });

  return (
    <div class="cmp-page" data-testid="compare-page">
      <Show when={loaded()} fallback={<p>Loading runs…</p>}>
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
          <Show when={ranking().best}>
            {(best) => (
              <p class="cmp-answer" data-testid="compare-best">
                Best by {metric()} ({ranking().lowerIsBetter ? 'lowest' : 'highest'} last value):{' '}
                <a href={`/${repo()}/experiments/runs/${encodeURIComponent(best().run.id)}`}>{best().run.name}</a> at{' '}
                {formatCell(best().value, metricCol() as Column)}
                {ranking().withValue < runs().length
                  ? ` (${ranking().withValue.toLocaleString('en')} of ${runs().length.toLocaleString('en')} runs have it)`
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
              {ranking().best ? `, the best by ${metric()} first` : ''}; the charts below show them all.
            </p>
          </Show>
          <CompareTable
            runs={tableRuns()}
            cols={tableCols()}
            differing={differing()}
            inBrush={inBrush}
            best={ranking().best?.run ?? null}
            metric={metric()}
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
                runs={runs()}
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
                  runs={runs()}
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
                  metric={metric() ?? ''}
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
