/**
 * The Experiments tab (`/owner/repo/experiments`): every run of the repository — MLflow runs
 * from the server's feed and git experiments found in its history — in one table, filtered
 * with the MLflow filter language (plus `note`, the runs' notes on this device; the note column
 * shows their first line), sorted, grouped, compared. The whole view state lives in
 * the URL, so a view can be shared and reloads to itself.
 */
import type { Run } from '@cairn/core/runs';
import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { createExperimentsData } from './create-experiments-data.ts';
import { filterSuggestions } from './filter-suggest.ts';
import { RunsTable } from './RunsTable.tsx';
import { type Column, NOTE_COLUMN, parseColumnId } from './run-columns.ts';
import { createRunNotes } from './run-notes.ts';
import { mentionsNote, readFilter } from './run-table.ts';
import type { SlotGroup, TableQuery } from './run-table-model.ts';
import { ShownRunsPlot } from './ShownRunsPlot.tsx';
import { createShownRuns } from './shown-runs.ts';
import {
  newCompareState,
  readTableState,
  type TableViewState,
  writeCompareState,
  writeTableState,
} from './view-state.ts';
import './experiments.css';

/**
 * The default shown columns: the name, metrics, params, then attributes (tags on request),
 * plus where the metrics are when some runs' metrics are not in git (DVC-kept metrics files).
 */
const DEFAULT_LIMIT = 40;
const METRICS_STATE_TAG = 'cairn.metrics_state';
/** The name column: always shown first and frozen at the left. */
const NAME = 'attr:name';
const NO_RUNS = new Uint32Array(0);

export default function ExperimentsPage() {
  const params = useParams<{ owner: string; repo: string }>();
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const data = createExperimentsData(params.owner, params.repo);
  const base = () => `/${params.owner}/${params.repo}/experiments`;

  const fromUrl = createMemo<TableViewState>(() => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(search)) if (typeof v === 'string') p.set(k, v);
    return readTableState(p);
  });
  // A change shows at once: the router writes the URL a moment later (a transition), and the
  // table should not wait for it. Once the URL has caught up (or on back/forward) it rules.
  const [pending, setPending] = createSignal<TableViewState | null>(null);
  createEffect(on(fromUrl, () => setPending(null), { defer: true }));
  // Equal content is the same state: the URL catching up recomputes nothing downstream.
  const state = createMemo((): TableViewState => pending() ?? fromUrl(), undefined, {
    equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  // The URL is written after the frame that shows the change (router navigation costs a few
  // tens of milliseconds at 10,000 runs); several changes before then make one write.
  let urlQueued = false;
  let disposed = false;
  const flushUrl = () => {
    urlQueued = false;
    const s = pending();
    if (disposed || !s) return;
    const p = writeTableState(s);
    const all: Record<string, string | undefined> = {};
    for (const k of ['q', 'sort', 'dir', 'cols', 'pin', 'summary', 'group', 'differ', 'base', 'sel', 'w', 'plot'])
      all[k] = p.get(k) ?? undefined;
    setSearch(all, { replace: true });
  };
  onCleanup(() => {
    disposed = true;
  });
  const update = (patch: Partial<TableViewState>) => {
    setPending({ ...state(), ...patch });
    if (urlQueued) return;
    urlQueued = true;
    requestAnimationFrame(() => setTimeout(flushUrl, 0));
  };

  const [filterText, setFilterText] = createSignal(state().filter);
  // The runs stay in the runs table's worker: here are their counts, columns and ids.
  const info = data.info;
  // Runs' notes (from the notes on this device, live): the note column and `note` in filters.
  const runNotes = createRunNotes(`${params.owner}/${params.repo}`, () => info().loaded);
  const allColumns = createMemo(
    () => {
      const [name, ...rest] = info().columns;
      return name ? [name, NOTE_COLUMN, ...rest] : [NOTE_COLUMN];
    },
    undefined,
    { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) },
  );
  const anyNote = createMemo(() => runNotes().size > 0);
  const metricsOutsideGit = () => info().metricsOutsideGit;
  // Each derived list depends only on the parts of the state it uses (strings compare by
  // value), so a sort does not filter again, and a selection neither filters nor sorts.
  const appliedFilter = createMemo(() => state().filter);
  const sortKey = createMemo(() => {
    const s = state();
    return `${s.sort ?? ''}\n${s.sort ? s.direction : 'desc'}\n${s.summary}`;
  });
  // How the filter reads (its error or note); the worker evaluates it. An invalid filter shows
  // no runs (and says why) rather than every run.
  const filterReading = createMemo(() => readFilter(appliedFilter()));
  // Notes go to the worker only for a filter or sort that reads them, so an edited note
  // filters and sorts nothing again otherwise.
  const query = createMemo(
    (): TableQuery => {
      const [sort, direction, summary] = sortKey().split('\n') as [string, 'asc' | 'desc', TableViewState['summary']];
      const filter = appliedFilter();
      const readsNotes = mentionsNote(filter) || sort === NOTE_COLUMN.id;
      return { filter, sort: sort || null, direction, summary, ...(readsNotes ? { notes: runNotes() } : {}) };
    },
    undefined,
    {
      equals: (a, b) =>
        a.filter === b.filter &&
        a.sort === b.sort &&
        a.direction === b.direction &&
        a.summary === b.summary &&
        a.notes === b.notes,
    },
  );
  const shown = createShownRuns(data, query);
  const order = () => shown.order() ?? NO_RUNS;
  const shownIds = (): string[] => Array.from(order(), (s) => data.idOf(s) ?? '');
  // Whole-list answers that take the worker a moment (each dropped if a newer one was asked).
  const [differing, setDiffering] = createSignal<Set<string> | null>(null);
  const [groups, setGroups] = createSignal<SlotGroup[] | null>(null);
  const [baseline, setBaseline] = createSignal<Run | null>(null);
  const columns = createMemo(
    (): Column[] => {
      const s = state();
      const known = new Map(allColumns().map((c) => [c.id, c]));
      let cols: Column[] = s.columns
        ? s.columns.map((id) => known.get(id) ?? parseColumnId(id)).filter((c): c is Column => c !== null)
        : allColumns()
            .filter((c) => c.kind !== 'tag' || (c.key === METRICS_STATE_TAG && metricsOutsideGit()))
            .filter((c) => c.id !== NOTE_COLUMN.id || anyNote())
            .slice(0, DEFAULT_LIMIT);
      const keep = s.onlyDiffering ? differing() : null;
      if (keep) cols = cols.filter((c) => keep.has(c.id));
      const pinned = new Set(s.pinned);
      const name = cols.filter((c) => c.id === NAME);
      const rest = cols.filter((c) => c.id !== NAME);
      return [...name, ...rest.filter((c) => pinned.has(c.id)), ...rest.filter((c) => !pinned.has(c.id))];
    },
    undefined,
    { equals: (a, b) => a.length === b.length && a.every((c, i) => c.id === b[i]?.id) },
  );
  let groupsAsked = 0;
  createEffect(() => {
    const g = state().groupBy ? parseColumnId(state().groupBy as string) : null;
    const asked = ++groupsAsked;
    if (!g) return setGroups(null);
    const metricCols = columns().filter((c) => c.kind === 'metric');
    void data
      .ask({ type: 'groups', slots: order(), by: g, metricCols, summary: state().summary })
      .then((a) => asked === groupsAsked && setGroups(a.groups))
      .catch(() => {});
  });
  let differingAsked = 0;
  createEffect(() => {
    const s = state();
    const asked = ++differingAsked;
    if (!s.onlyDiffering) return setDiffering(null);
    const cols = s.columns
      ? s.columns.map((id) => parseColumnId(id)).filter((c): c is Column => c !== null)
      : allColumns();
    void data
      .ask({ type: 'differing', slots: order(), cols, summary: s.summary, notes: runNotes() })
      .then((a) => asked === differingAsked && setDiffering(new Set(a.ids)))
      .catch(() => {});
  });
  createEffect(() => {
    const id = state().baseline;
    info().generation;
    if (!id) return setBaseline(null);
    void data
      .ask({ type: 'run', runId: id })
      .then((a) => state().baseline === id && setBaseline(a.run))
      .catch(() => {});
  });
  const selected = createMemo(() => new Set(state().selected));
  const allSelected = createMemo(() => {
    const o = order();
    const sel = selected();
    if (o.length === 0 || sel.size < o.length) return false;
    for (const s of o) if (!sel.has(data.idOf(s) ?? '')) return false;
    return true;
  });
  const pinnedSet = createMemo(() => new Set([NAME, ...state().pinned]));
  const suggestions = createMemo(() => filterSuggestions(filterText(), allColumns()));
  const shownColumnIds = () => columns().map((c) => c.id);

  const toggle = (id: string) => {
    const s = new Set(state().selected);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    update({ selected: [...s] });
  };
  const toggleAll = () => {
    update({ selected: allSelected() ? [] : shownIds() });
  };
  const move = (id: string, by: number) => {
    const ids = shownColumnIds();
    const i = ids.indexOf(id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
    update({ columns: ids });
  };
  const exportCsv = async () => {
    const { text } = await data.ask({
      type: 'csv',
      slots: order(),
      cols: columns(),
      summary: state().summary,
      notes: runNotes(),
    });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    a.download = `${params.owner}-${params.repo}-runs.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  const compare = () => {
    flushUrl(); // back from the comparison returns to this exact view
    const q = writeCompareState(newCompareState(state().selected));
    navigate(`${base()}/compare?${q}`);
  };
  const [showColumns, setShowColumns] = createSignal(false);

  return (
    <div class="exp-page" data-testid="experiments-page">
      <div class="exp-toolbar">
        <form
          class="exp-filter"
          onSubmit={(e) => {
            e.preventDefault();
            update({ filter: filterText() });
          }}
        >
          <input
            type="search"
            data-testid="run-filter"
            placeholder="Filter: metrics.accuracy > 0.9 AND params.optimizer IN ('adam', 'sgd'), note ILIKE '%baseline%', or a run name"
            title="MLflow's filter syntax with AND, OR, IN and parentheses; note ILIKE '%word%' searches runs' notes; plain words search run names"
            aria-label="Filter runs"
            list="run-filter-names"
            autocomplete="off"
            value={filterText()}
            onInput={(e) => setFilterText(e.currentTarget.value)}
            aria-invalid={filterReading().kind === 'error'}
          />
          <datalist id="run-filter-names" data-testid="filter-suggestions">
            <For each={suggestions()}>{(s) => <option value={s} />}</For>
          </datalist>
          <button type="submit">Filter</button>
        </form>
        <Show
          when={(() => {
            const f = filterReading();
            return f.kind === 'error' ? f.error : null;
          })()}
        >
          {(err) => (
            <div class="exp-error" role="alert" data-testid="filter-error">
              <code>
                {state().filter.slice(0, err().offset)}
                <mark>{state().filter.slice(err().offset, err().offset + Math.max(1, err().length)) || ' '}</mark>
                {state().filter.slice(err().offset + Math.max(1, err().length))}
              </code>
              <span>
                Column {err().column}: {err().message} No runs are shown until the filter is fixed.
              </span>
            </div>
          )}
        </Show>
        <div class="exp-controls">
          <label>
            Metric value{' '}
            <select
              value={state().summary}
              onChange={(e) => update({ summary: e.currentTarget.value as TableViewState['summary'] })}
            >
              <option value="last">last</option>
              <option value="min">min</option>
              <option value="max">max</option>
            </select>
          </label>
          <label>
            Group by{' '}
            <select value={state().groupBy ?? ''} onChange={(e) => update({ groupBy: e.currentTarget.value || null })}>
              <option value="">—</option>
              <For
                each={allColumns().filter(
                  (c) => c.kind === 'param' || c.kind === 'tag' || (c.kind === 'attr' && c.key === 'status'),
                )}
              >
                {(c) => <option value={c.id}>{c.id}</option>}
              </For>
            </select>
          </label>
          <label>
            <input
              type="checkbox"
              checked={state().onlyDiffering}
              onChange={(e) => update({ onlyDiffering: e.currentTarget.checked })}
            />{' '}
            Only columns that differ
          </label>
          <button type="button" onClick={() => setShowColumns(!showColumns())}>
            Columns…
          </button>
          <button type="button" onClick={() => void exportCsv()}>
            Export CSV
          </button>
          <button
            type="button"
            data-testid="plot-button"
            aria-pressed={state().plot}
            onClick={() => update({ plot: !state().plot })}
          >
            {state().plot ? 'Hide plot' : 'Parallel coordinates'}
          </button>
          <Show when={Object.keys(state().widths).length > 0}>
            <button type="button" data-testid="reset-widths" onClick={() => update({ widths: {} })}>
              Reset widths
            </button>
          </Show>
          <button type="button" data-testid="compare-button" disabled={state().selected.length < 1} onClick={compare}>
            Compare {state().selected.length} {state().selected.length === 1 ? 'run' : 'runs'}
          </button>
        </div>
        <Show when={showColumns()}>
          <div class="exp-column-picker" data-testid="column-picker">
            <For each={allColumns()}>
              {(c) => (
                <label>
                  <input
                    type="checkbox"
                    checked={shownColumnIds().includes(c.id)}
                    onChange={(e) => {
                      const ids = shownColumnIds().filter((x) => x !== c.id);
                      update({ columns: e.currentTarget.checked ? [...ids, c.id] : ids });
                    }}
                  />{' '}
                  {c.id}
                </label>
              )}
            </For>
          </div>
        </Show>
        <Show
          when={(() => {
            const f = filterReading();
            return f.kind === 'error' ? null : f.note;
          })()}
        >
          {(note) => (
            <p class="exp-note" data-testid="filter-note">
              {note()}
            </p>
          )}
        </Show>
        <p class="exp-status" data-testid="runs-status">
          {order().length.toLocaleString('en')} of {(shown.order() ? shown.total() : info().count).toLocaleString('en')}{' '}
          runs
          {' · '}
          {info().git.toLocaleString('en')} git experiments
          <Show when={data.syncedAt()}>{(t) => <> · synced {new Date(t()).toLocaleTimeString()}</>}</Show>
          <Show when={baseline()}>{(b) => <> · baseline: {b().name}</>}</Show>
        </p>
        <Show when={info().reading}>
          {(r) => (
            <p class="exp-note" data-testid="runs-reading">
              Reading runs from this device: {r().read.toLocaleString('en')}
              {(() => {
                const total = r().total;
                return total === null ? '' : ` of ${total.toLocaleString('en')}`;
              })()}…
            </p>
          )}
        </Show>
        <Show when={data.feedNote()}>
          {(n) => (
            <p class="exp-note" data-testid="feed-note">
              {n()}
            </p>
          )}
        </Show>
        <Show when={data.gitNote()}>{(n) => <p class="exp-note">{n()}</p>}</Show>
      </div>
      <Show when={info().loaded} fallback={<p>Loading runs…</p>}>
        <Show when={info().count > 0} fallback={<EmptyState owner={params.owner} repo={params.repo} />}>
          <Show when={shown.order() !== null && order().length === 0}>
            <p class="exp-empty-result" data-testid="no-runs" role="status">
              {filterReading().kind !== 'error'
                ? `No runs match “${state().filter}”.`
                : 'No runs shown: the filter above has an error.'}
            </p>
          </Show>
          <Show when={state().plot && shown.order()}>
            {(o) => (
              <ShownRunsPlot
                data={data}
                order={o()}
                columns={columns()}
                summary={state().summary}
                sort={state().sort}
                onSelect={(ids) => update({ selected: ids })}
              />
            )}
          </Show>
          <RunsTable
            rows={{
              count: order().length,
              slotAt: (k) => order()[k] as number,
              runAt: shown.runAt,
            }}
            allSelected={allSelected()}
            onVisible={shown.setVisible}
            notes={runNotes()}
            groups={groups()}
            columns={columns()}
            pinned={pinnedSet()}
            summary={state().summary}
            baseline={baseline()}
            selected={selected()}
            sort={state().sort}
            direction={state().direction}
            runHref={(r) => `${base()}/runs/${encodeURIComponent(r.id)}`}
            onSort={(id) =>
              update({ sort: id, direction: state().sort === id && state().direction === 'desc' ? 'asc' : 'desc' })
            }
            onToggle={toggle}
            onToggleAll={toggleAll}
            onBaseline={(id) => update({ baseline: id })}
            onPin={(id) => {
              const p = new Set(state().pinned);
              if (p.has(id)) p.delete(id);
              else p.add(id);
              update({ pinned: [...p] });
            }}
            onMove={move}
            onHide={(id) => update({ columns: shownColumnIds().filter((x) => x !== id) })}
            widths={state().widths}
            onResize={(id, width) => update({ widths: { ...state().widths, [id]: width } })}
          />
        </Show>
      </Show>
    </div>
  );
}

function EmptyState(props: { owner: string; repo: string }) {
  const uri = `${globalThis.location?.origin ?? ''}/${props.owner}/${props.repo}.mlflow`;
  return (
    <div class="exp-empty">
      <p>No runs yet.</p>
      <p>
        Log MLflow runs with <code>MLFLOW_TRACKING_URI={uri}</code>, or commit a <code>metrics.csv</code> and{' '}
        <code>params.yml</code> (the DagsHub logger's files, or <code>@cairn/logger</code>). See the{' '}
        <A href={`/${props.owner}/${props.repo}`}>files</A>.
      </p>
    </div>
  );
}
