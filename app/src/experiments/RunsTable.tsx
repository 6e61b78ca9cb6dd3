/**
 * The virtualised runs table: only the rows in view (plus a few) are in the DOM, so 10,000
 * runs render as fast as 30; with many columns only those in view (plus a few, and the pinned
 * ones) are too, so 100 columns cost what 12 do. Pinned columns (which the page puts first)
 * stick to the left; a header click sorts; metric
 * cells show the chosen summary and, with a baseline run, the difference to it; grouped, a
 * header row per group carries each metric's mean and range.
 */
import type { Run } from '@cairn/core/runs';
import { createMemo, createSignal, For, Index, Show } from 'solid-js';
import { type Column, cellValue, formatCell, type MetricSummaryKind } from './run-columns.ts';
import { deltaOf, type RunGroup } from './run-table.ts';

export const ROW_HEIGHT = 28;
const OVERSCAN = 8;
/** From this many columns on, only those in view are drawn (fewer are all drawn). */
const WINDOW_COLUMNS_FROM = 24;
const COLUMN_OVERSCAN_PX = 300;

type Item = { kind: 'run'; run: Run } | { kind: 'group'; group: RunGroup };

export interface RunsTableProps {
  runs: Run[];
  groups: RunGroup[] | null;
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
}

function widthOf(col: Column): number {
  return col.kind === 'attr' && col.key === 'name' ? 220 : col.kind === 'attr' && col.key === 'start_time' ? 160 : 130;
}

function label(col: Column): string {
  return col.kind === 'attr' ? col.key.replace('_', ' ') : col.key;
}

function fmtDelta(d: number): string {
  const s =
    Math.abs(d) >= 1e4 || (Math.abs(d) < 1e-3 && d !== 0) ? d.toExponential(2) : String(Number(d.toPrecision(3)));
  return d > 0 ? `+${s}` : s;
}

export function RunsTable(props: RunsTableProps) {
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(600);
  const [scrollLeft, setScrollLeft] = createSignal(0);
  const [viewWidth, setViewWidth] = createSignal(1200);
  // One item object per run for as long as the run lives (no garbage per sort).
  const runItems = new WeakMap<Run, Item>();
  const itemOf = (run: Run): Item => {
    let item = runItems.get(run);
    if (!item) {
      item = { kind: 'run', run };
      runItems.set(run, item);
    }
    return item;
  };
  // Grouped, the rows are groups and runs; ungrouped, the runs themselves (no list of 10,000
  // wrappers per sort: only the rows in view get one).
  const items = createMemo<Item[] | null>(() => {
    if (!props.groups) return null;
    const out: Item[] = [];
    for (const g of props.groups) {
      out.push({ kind: 'group', group: g });
      for (const run of g.runs) out.push(itemOf(run));
    }
    return out;
  });
  const count = () => items()?.length ?? props.runs.length;
  const offsets = createMemo(() => {
    let left = 64;
    const o = new Map<string, number>();
    for (const c of props.columns) {
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
    return list ? list.slice(first, last) : props.runs.slice(first, last).map(itemOf);
  });
  // The columns drawn: pinned ones, a gap as wide as the columns scrolled past, and those in view.
  const columnWindow = createMemo(
    () => {
      const cols = props.columns;
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
  const Cell = (p: { run: Run; col: Column }) => {
    const c = p.col;
    const text = () => formatCell(cellValue(p.run, c, props.summary), c);
    if (c.kind === 'attr' && c.key === 'name') {
      return (
        <div class="exp-cell exp-kind-attr" style={cellStyle(c)}>
          <a href={props.runHref(p.run)} title={p.run.id}>
            {text() || p.run.id.slice(0, 8)}
          </a>
        </div>
      );
    }
    const delta = () =>
      props.baseline && (c.kind === 'metric' || c.kind === 'param')
        ? deltaOf(p.run, props.baseline, c, props.summary)
        : null;
    return (
      <div class={`exp-cell exp-kind-${c.kind}`} style={cellStyle(c)} title={text()}>
        {text()}
        <Show when={delta()}>{(d) => <span class={`exp-delta ${d() > 0 ? 'up' : 'down'}`}>{fmtDelta(d())}</span>}</Show>
      </div>
    );
  };
  const HeadCell = (c: Column) => (
    <div class={`exp-cell exp-kind-${c.kind}`} style={cellStyle(c)} data-col={c.id}>
      <button type="button" class="exp-sort" onClick={() => props.onSort(c.id)} title={`Sort by ${c.id}`}>
        {label(c)}
        {props.sort === c.id ? (props.direction === 'asc' ? ' ▲' : ' ▼') : ''}
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
        queueMicrotask(() => {
          setViewport(el.clientHeight || 600);
          setViewWidth(el.clientWidth || 1200);
        });
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
            checked={props.runs.length > 0 && props.runs.every((r) => props.selected.has(r.id))}
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
                  return it.kind === 'run' ? it.run : null;
                })()}
                fallback={
                  <GroupRow
                    group={(item() as { group: RunGroup }).group}
                    columns={[...columnWindow().pinned, ...columnWindow().rest]}
                    cellStyle={cellStyle}
                  />
                }
              >
                {(run) => (
                  <div
                    class="exp-run"
                    classList={{ selected: props.selected.has(run().id), baseline: props.baseline?.id === run().id }}
                    data-testid="run-row"
                    data-run-id={run().id}
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

function GroupRow(props: { group: RunGroup; columns: Column[]; cellStyle: (c: Column) => string }) {
  return (
    <div class="exp-run exp-group" data-testid="group-row">
      <div class="exp-cell exp-check" style="position:sticky;left:0;z-index:1" />
      <For each={props.columns}>
        {(c, i) => {
          const a = () => props.group.aggregates[c.id];
          return (
            <div class="exp-cell" style={props.cellStyle(c)}>
              {i() === 0
                ? `${props.group.value || '(none)'} · ${props.group.runs.length} runs`
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
