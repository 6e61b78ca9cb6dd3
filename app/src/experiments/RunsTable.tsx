/**
 * The virtualised runs table: only the rows in view (plus a few) are in the DOM, so 10,000
 * runs render as fast as 30; with many columns only those in view (plus a few, and the pinned
 * ones) are too, so 100 columns cost what 12 do. Pinned columns (which the page puts first,
 * the name always) stick to the left; a header click sorts, dragging a header's right edge
 * resizes the column; a header says what the column is (metric, param, the files it came
 * from). Metric cells show the chosen summary and, with a baseline run, the difference to it,
 * green when better (lower for losses and errors); grouped, a header row per group carries
 * each metric's mean and range.
 */
import type { Run, RunNotes } from '@cairn/core/runs';
import { createEffect, createMemo, createRenderEffect, createSignal, For, Index, onCleanup, Show } from 'solid-js';
import {
  type Column,
  cellText,
  formatCell,
  lowerIsBetter,
  type MetricSummaryKind,
  missingMetricText,
} from './run-columns.ts';
import { deltaOf } from './run-table.ts';
import type { SlotGroup } from './run-table-model.ts';
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from './view-state.ts';

export const ROW_HEIGHT = 28;
const OVERSCAN = 8;
/** From this many columns on, only those in view are drawn (fewer are all drawn). */
const WINDOW_COLUMNS_FROM = 24;
const COLUMN_OVERSCAN_PX = 300;
/** Below this width the table puts the ranking column right after the pinned ones. */
const NARROW_PX = 640;

type Item = { kind: 'run'; slot: number } | { kind: 'group'; group: SlotGroup };

/**
 * The shown runs as the table reads them: how many, the run slot at each position, and the run of
 * a slot when it is at hand (a row whose run is not yet here is drawn empty and fills in).
 */
export interface TableRows {
  count: number;
  slotAt: (position: number) => number;
  runAt: (slot: number) => Run | undefined;
}

/** Rows over a list of runs in memory (slot = position). */
export function rowsOfRuns(runs: readonly Run[]): TableRows {
  return { count: runs.length, slotAt: (k) => k, runAt: (slot) => runs[slot] };
}

export interface RunsTableProps {
  rows: TableRows;
  /** Whether every shown run is selected (the header's checkbox). */
  allSelected: boolean;
  /** The rows in view changed: their slots, and their positions first…last. */
  onVisible?: (slots: number[], first: number, last: number) => void;
  /** Runs' notes by run id, for the note column. */
  notes?: RunNotes;
  groups: SlotGroup[] | null;
  columns: Column[];
  pinned: Set<string>;
  summary: MetricSummaryKind;
  baseline: Run | null;
  selected: Set<string>;
  sort: string | null;
  direction: 'asc' | 'desc';
  runHref: (run: Run) => string;
  onSort: (colId: string) => void;
  onToggle: (runId: string) => void;
  onToggleAll: () => void;
  onBaseline: (runId: string | null) => void;
  onPin: (colId: string) => void;
  onMove: (colId: string, by: number) => void;
  onHide: (colId: string) => void;
  /** Widths a person set (kept in the URL by the page), by column id. */
  widths: Record<string, number>;
  /** A resize ended (pointer released, or arrow keys on the grip): keep this width. */
  onResize: (colId: string, width: number) => void;
}

/** About how wide one character of the table's text is, for default widths. */
const CHAR_PX = 7.5;
/** A grip's arrow key moves the edge this far (Shift: four times). */
const KEY_STEP_PX = 16;
/** A generous character width for names, so a shortened name never gets cut again at its end. */
const NAME_CHAR_PX = 8.2;

function label(col: Column): string {
  if (col.kind === 'tag' && col.key === 'cairn.metrics_state') return 'metrics';
  return col.kind === 'attr' ? col.key.replace('_', ' ') : col.key;
}

/** What a column is, under its name: `metric`, `param · params.yaml`, `metric · metrics.csv +1`. */
function detail(col: Column): string {
  const kind = col.kind === 'attr' ? '' : col.kind;
  const f = col.files ?? [];
  if (f.length === 0) return kind;
  const first = f[0] as string;
  return `${kind} · ${first.slice(first.lastIndexOf('/') + 1)}${f.length > 1 ? ` +${f.length - 1}` : ''}`;
}

/**
 * A width that shows the whole header and the values of the first runs (within reason); the
 * name column fits the names.
 */
function defaultWidth(col: Column, nameWidth: number, valueChars: number): number {
  if (col.kind === 'attr' && col.key === 'name') return nameWidth;
  if (col.kind === 'attr' && col.key === 'start_time') return 160;
  if (col.kind === 'attr' && col.key === 'note') return 240;
  const chars = Math.max(label(col).length, detail(col).length * 0.8, valueChars);
  return Math.round(Math.min(260, Math.max(96, chars * CHAR_PX + 34)));
}

/** A long name shown as its start and its end (runs differing only at the end stay apart). */
function middleEllipsis(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const tail = Math.ceil((maxChars - 1) * 0.55);
  return `${text.slice(0, maxChars - 1 - tail)}…${text.slice(text.length - tail)}`;
}

function fmtDelta(d: number): string {
  const s =
    Math.abs(d) >= 1e4 || (Math.abs(d) < 1e-3 && d !== 0) ? d.toExponential(2) : String(Number(d.toPrecision(3)));
  return d > 0 ? `+${s}` : s;
}

/**
 * A ref that keeps an element's inline style at `style()`, in a render effect of its own that sets
 * it only when `style()` gives another string (Solid sets a string style whenever the effect it
 * shares with the element's other attributes runs).
 */
function styledBy(style: () => string): (el: HTMLElement) => void {
  return (el) =>
    createRenderEffect((prev: string | undefined) => {
      const next = style();
      if (next !== prev) el.style.cssText = next;
      return next;
    });
}

export function RunsTable(props: RunsTableProps) {
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(600);
  const [scrollLeft, setScrollLeft] = createSignal(0);
  const [viewWidth, setViewWidth] = createSignal(1200);
  // The width of a column being dragged, shown live; the page keeps it once the drag ends.
  const [dragging, setDragging] = createSignal<{ id: string; width: number } | null>(null);
  // On a phone's width the name and one more column fit: that one is what the runs are ranked
  // by — the sorted-by metric or param, else the first metric — not the note or an attribute.
  const columns = createMemo(() => {
    const cols = props.columns;
    if (viewWidth() >= NARROW_PX) return cols;
    const sorted = cols.find((c) => c.id === props.sort && (c.kind === 'metric' || c.kind === 'param'));
    const ranked = sorted ?? cols.find((c) => c.kind === 'metric');
    const at = ranked ? cols.indexOf(ranked) : -1;
    const after = cols.findIndex((c) => !props.pinned.has(c.id));
    if (!ranked || at <= after || props.pinned.has(ranked.id) || after < 0) return cols;
    const out = cols.filter((c) => c !== ranked);
    out.splice(after, 0, ranked);
    return out;
  });
  const clampWidth = (w: number) => Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, Math.round(w)));
  // The first runs, for value widths: taken once there are runs (or more of them), kept on a
  // sort or a filter — so columns do not jump, and a sort restyles no cell.
  const sample = createMemo(
    () => {
      const out: Run[] = [];
      const rows = props.rows;
      for (let k = 0; k < Math.min(rows.count, 50); k++) {
        const r = rows.runAt(rows.slotAt(k));
        if (r) out.push(r);
      }
      return out;
    },
    undefined,
    { equals: (prev, next) => next.length <= prev.length },
  );
  // The name column fits the longest name among the first runs.
  // (On a narrow screen it takes at most about half the width, so results stay in view.)
  const nameWidth = createMemo(() => {
    let longest = 8;
    for (const r of sample()) longest = Math.max(longest, r.name.length);
    const fit = Math.min(380, Math.max(180, longest * CHAR_PX + 24));
    return Math.round(Math.min(fit, Math.max(120, (viewWidth() - 64) * 0.5)));
  });
  // Widths of values measured so far (a fresh map when the sample changes).
  const valueCharsMemo = createMemo(() => {
    sample();
    return new Map<string, number>();
  });
  const charsOf = (col: Column): number => {
    const valueChars = valueCharsMemo();
    let n = valueChars.get(col.id);
    if (n === undefined) {
      n = 0;
      if (col.kind === 'param' || col.kind === 'tag')
        for (const r of sample()) n = Math.max(n, cellText(r, col, props.summary).length);
      valueChars.set(col.id, n);
    }
    return n;
  };
  const widthOf = (col: Column): number => {
    const d = dragging();
    if (d && d.id === col.id) return d.width;
    return props.widths[col.id] ?? defaultWidth(col, nameWidth(), charsOf(col));
  };
  const startResize = (col: Column, e: PointerEvent) => {
    e.preventDefault();
    e.stopPropagation();
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    const x0 = e.clientX;
    const w0 = widthOf(col);
    const move = (ev: PointerEvent) => setDragging({ id: col.id, width: clampWidth(w0 + ev.clientX - x0) });
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
      const d = dragging();
      if (d && d.width !== w0) props.onResize(col.id, d.width);
      setDragging(null);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
  };
  const resizeByKey = (col: Column, e: KeyboardEvent) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    props.onResize(col.id, clampWidth(widthOf(col) + step * KEY_STEP_PX * (e.shiftKey ? 4 : 1)));
  };
  // Grouped, the rows are groups and runs; ungrouped, the shown runs themselves (no list of
  // 100,000 wrappers per sort: only the rows in view get one).
  const items = createMemo<Item[] | null>(() => {
    if (!props.groups) return null;
    const out: Item[] = [];
    for (const g of props.groups) {
      out.push({ kind: 'group', group: g });
      for (const slot of g.slots) out.push({ kind: 'run', slot });
    }
    return out;
  });
  const count = () => items()?.length ?? props.rows.count;
  const offsets = createMemo(() => {
    let left = 64;
    const o = new Map<string, number>();
    for (const c of columns()) {
      o.set(c.id, left);
      left += widthOf(c);
    }
    return { o, total: left };
  });
  const range = createMemo(() => {
    const first = Math.max(0, Math.floor(scrollTop() / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count(), Math.ceil((scrollTop() + viewport()) / ROW_HEIGHT) + OVERSCAN);
    return { first, last };
  });
  const visible = createMemo(() => {
    const { first, last } = range();
    const list = items();
    if (list) return list.slice(first, last);
    const rows = props.rows;
    const out: Item[] = [];
    for (let k = first; k < Math.min(last, rows.count); k++) out.push({ kind: 'run', slot: rows.slotAt(k) });
    return out;
  });
  createEffect(() => {
    const slots = visible().flatMap((it) => (it.kind === 'run' ? [it.slot] : []));
    const { first, last } = range();
    props.onVisible?.(slots, first, last);
  });
  // The columns drawn: pinned ones, a gap as wide as the columns scrolled past, and those in view.
  const columnWindow = createMemo(
    () => {
      const cols = columns();
      const pinned = cols.filter((c) => props.pinned.has(c.id));
      const rest = cols.filter((c) => !props.pinned.has(c.id));
      if (cols.length < WINDOW_COLUMNS_FROM) return { pinned, rest, gap: 0 };
      const { o } = offsets();
      let pinnedEnd = 64;
      for (const c of pinned) pinnedEnd += widthOf(c);
      const lo = scrollLeft() - COLUMN_OVERSCAN_PX;
      const hi = scrollLeft() + viewWidth() + COLUMN_OVERSCAN_PX;
      const shown = rest.filter((c) => {
        const left = o.get(c.id) as number;
        return left + widthOf(c) > lo && left < hi;
      });
      const first = shown[0];
      return { pinned, rest: shown, gap: first ? Math.max(0, (o.get(first.id) as number) - pinnedEnd) : 0 };
    },
    undefined,
    {
      equals: (a, b) =>
        a.gap === b.gap &&
        a.pinned.length === b.pinned.length &&
        a.rest.length === b.rest.length &&
        a.pinned.every((c, i) => c === b.pinned[i]) &&
        a.rest.every((c, i) => c === b.rest[i]),
    },
  );
  const gap = () => columnWindow().gap;
  const cellStyle = (c: Column) => {
    const w = widthOf(c);
    const base = `width:${w}px;min-width:${w}px;`;
    return props.pinned.has(c.id) ? `${base}position:sticky;left:${offsets().o.get(c.id)}px;z-index:1;` : base;
  };

  // One element per cell (text and title on the cell itself); a delta only with a baseline.
  // Its style is set in an effect of its own: bound beside `title`, it was set again whenever the
  // row showed another run (each page of a sync puts newer runs on top), restyling every cell.
  const Cell = (p: { run: Run; col: Column }) => {
    const c = p.col;
    const value = () => cellText(p.run, c, props.summary, props.notes);
    const text = () => value() || (c.kind === 'metric' ? missingMetricText(p.run) : '');
    if (c.kind === 'attr' && c.key === 'name') {
      const name = () => text() || p.run.id.slice(0, 8);
      return (
        <div class="exp-cell exp-kind-attr exp-name" style={cellStyle(c)} data-col={c.id}>
          <a href={props.runHref(p.run)} title={`${name()} (${p.run.id})`}>
            {middleEllipsis(name(), Math.floor((widthOf(c) - 16) / NAME_CHAR_PX))}
          </a>
        </div>
      );
    }
    const delta = () =>
      props.baseline && (c.kind === 'metric' || c.kind === 'param')
        ? deltaOf(p.run, props.baseline, c, props.summary)
        : null;
    return (
      <div class={`exp-cell exp-kind-${c.kind}`} ref={styledBy(() => cellStyle(c))} title={text()} data-col={c.id}>
        {text()}
        <Show when={delta()}>
          {(d) => (
            <span
              class="exp-delta"
              classList={{
                better: c.kind === 'metric' && d() > 0 !== lowerIsBetter(c.key),
                worse: c.kind === 'metric' && d() > 0 === lowerIsBetter(c.key),
              }}
            >
              {fmtDelta(d())}
            </span>
          )}
        </Show>
      </div>
    );
  };
  const HeadCell = (c: Column) => (
    <div class={`exp-cell exp-kind-${c.kind}`} style={cellStyle(c)} data-col={c.id}>
      <button
        type="button"
        class="exp-sort"
        onClick={() => props.onSort(c.id)}
        title={`Sort by ${c.id}${c.files?.length ? ` (git experiments read it from ${c.files.join(', ')})` : ''}`}
      >
        <span class="exp-head-name">
          {label(c)}
          {props.sort === c.id ? (props.direction === 'asc' ? ' ▲' : ' ▼') : ''}
        </span>
        <Show when={detail(c)}>
          <span class="exp-head-detail">{detail(c)}</span>
        </Show>
      </button>
      <span class="exp-col-tools">
        <button type="button" title="Pin" classList={{ on: props.pinned.has(c.id) }} onClick={() => props.onPin(c.id)}>
          📌
        </button>
        <button type="button" title="Move left" onClick={() => props.onMove(c.id, -1)}>
          ‹
        </button>
        <button type="button" title="Move right" onClick={() => props.onMove(c.id, 1)}>
          ›
        </button>
        <button type="button" title="Hide" onClick={() => props.onHide(c.id)}>
          ×
        </button>
      </span>
      {/* The resize grip, as in MLflow and W&B: dragged, or focused and moved with the arrow keys. */}
      <button
        type="button"
        class="exp-resize"
        aria-label={`Resize ${label(c)}: ${widthOf(c)} px, arrow keys change it`}
        title="Drag to resize (or arrow keys)"
        data-testid="column-resize"
        onPointerDown={(e) => startResize(c, e)}
        onKeyDown={(e) => resizeByKey(c, e)}
      />
    </div>
  );
  const Gap = () => (
    <Show when={gap() > 0}>
      <div class="exp-gap" style={`width:${gap()}px;min-width:${gap()}px`} />
    </Show>
  );

  return (
    <div
      class="exp-table"
      data-testid="runs-table"
      ref={(el) => {
        const measure = () => {
          setViewport(el.clientHeight || 600);
          setViewWidth(el.clientWidth || 1200);
        };
        queueMicrotask(measure);
        const ro = new ResizeObserver(measure);
        ro.observe(el);
        onCleanup(() => ro.disconnect());
      }}
      onScroll={(e) => {
        setScrollTop(e.currentTarget.scrollTop);
        setScrollLeft(e.currentTarget.scrollLeft);
      }}
    >
      <div class="exp-row exp-head" style={`width:${offsets().total}px`}>
        <div class="exp-cell exp-check" style="position:sticky;left:0;z-index:2">
          <input
            type="checkbox"
            aria-label="Select all shown runs"
            checked={props.allSelected}
            onChange={() => props.onToggleAll()}
          />
        </div>
        <For each={columnWindow().pinned}>{HeadCell}</For>
        <Gap />
        <For each={columnWindow().rest}>{HeadCell}</For>
      </div>
      <div class="exp-body" style={`height:${count() * ROW_HEIGHT}px;width:${offsets().total}px`}>
        {/* Row slots (Index): a sort or a scroll puts other runs into the same elements, so only
            text changes; no row is built again. */}
        <Index each={visible()}>
          {(item, i) => (
            <div class="exp-row" style={`top:${(range().first + i) * ROW_HEIGHT}px;width:${offsets().total}px`}>
              <Show
                when={(() => {
                  const it = item();
                  return it.kind === 'run' ? (props.rows.runAt(it.slot) ?? null) : null;
                })()}
                fallback={
                  item().kind === 'group' ? (
                    <GroupRow
                      group={(item() as { group: SlotGroup }).group}
                      columns={[...columnWindow().pinned, ...columnWindow().rest]}
                      cellStyle={cellStyle}
                    />
                  ) : (
                    // Its run is on the way from the worker.
                    <div class="exp-run exp-pending" aria-busy="true" />
                  )
                }
              >
                {(run) => (
                  <div
                    class="exp-run"
                    classList={{ selected: props.selected.has(run().id), baseline: props.baseline?.id === run().id }}
                    data-testid="run-row"
                    data-run-id={run().id}
                    data-source={run().source.kind}
                  >
                    <div class="exp-cell exp-check" style="position:sticky;left:0;z-index:1">
                      <input
                        type="checkbox"
                        aria-label={`Select ${run().name}`}
                        checked={props.selected.has(run().id)}
                        onChange={() => props.onToggle(run().id)}
                      />
                      <button
                        type="button"
                        class="exp-base"
                        title={props.baseline?.id === run().id ? 'Clear baseline' : 'Use as baseline'}
                        onClick={() => props.onBaseline(props.baseline?.id === run().id ? null : run().id)}
                      >
                        {props.baseline?.id === run().id ? '★' : '☆'}
                      </button>
                    </div>
                    <For each={columnWindow().pinned}>{(c) => <Cell run={run()} col={c} />}</For>
                    <Gap />
                    <For each={columnWindow().rest}>{(c) => <Cell run={run()} col={c} />}</For>
                  </div>
                )}
              </Show>
            </div>
          )}
        </Index>
      </div>
    </div>
  );
}

function GroupRow(props: { group: SlotGroup; columns: Column[]; cellStyle: (c: Column) => string }) {
  return (
    <div class="exp-run exp-group" data-testid="group-row">
      <div class="exp-cell exp-check" style="position:sticky;left:0;z-index:1" />
      <For each={props.columns}>
        {(c, i) => {
          const a = () => props.group.aggregates[c.id];
          return (
            <div class="exp-cell" style={props.cellStyle(c)}>
              {i() === 0
                ? `${props.group.value || '(none)'} · ${props.group.slots.length} runs`
                : a()
                  ? `μ ${formatCell(a()?.mean ?? null, c)} [${formatCell(a()?.min ?? null, c)}–${formatCell(a()?.max ?? null, c)}]`
                  : ''}
            </div>
          );
        }}
      </For>
    </div>
  );
}
