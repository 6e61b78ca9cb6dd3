/**
 * CSV/TSV as a virtualised table: the file is parsed in a worker (papaparse, streamed), the
 * first rows show as soon as the first chunk is parsed, and only the rows in view (plus a
 * margin) are ever in the page. A million-row file scrolls without freezing the tab.
 * Past ≈1.4 M rows a full-height spacer would exceed the browser's element-height cap, so the
 * scroll bar is mapped onto the rows by csv-scroll-map.ts; wheel and keys then move in rows.
 */
import { createEffect, createMemo, createSignal, For, lazy, on, onCleanup, onMount, Show, Suspense } from 'solid-js';
import type { CsvRowError } from './csv-parse.ts';
import type { CsvRequest, CsvResponse } from './csv-protocol.ts';
import {
  clampOffset,
  contentHeight,
  offsetAfterKey,
  rowTop,
  type ScrollGeometry,
  spacerHeight,
  toOffset,
  toScrollTop,
  visibleRows,
} from './csv-scroll-map.ts';
import { type CsvViewSpec, isNumeric } from './csv-view.ts';
import { connectCsvWorker } from './csv-worker-client.ts';
import { isDagshubMetricsHeader } from './metrics-chart-data.ts';
import { formatSize, type ViewFile } from './view-file.ts';

// uPlot loads only when a chart is asked for.
const MetricsChart = lazy(() => import('./MetricsChart.tsx'));

const ROW_HEIGHT = 24;
const WINDOW = 400;
const OVERSCAN = 20;

export default function CsvViewer(props: {
  file: ViewFile;
  delimiter: ',' | '\t';
  /** `chart` draws a DagsHub metrics.csv; the page keeps it in its URL (`?view=chart`). */
  view?: string | undefined;
  onView?: ((view: string | undefined) => void) | undefined;
}) {
  const [header, setHeader] = createSignal<string[]>([]);
  // Without a page to keep the choice (a harness), the viewer keeps it itself.
  const [ownView, setOwnView] = createSignal<string | undefined>(undefined);
  const shownAs = () => (props.onView ? props.view : ownView());
  const showAs = (next: string | undefined) => (props.onView ? props.onView(next) : setOwnView(next));
  const metrics = () => isDagshubMetricsHeader(header());
  const charted = () => metrics() && shownAs() === 'chart';
  const [rowCount, setRowCount] = createSignal(0);
  const [bytes, setBytes] = createSignal(0);
  const [done, setDone] = createSignal(false);
  const [problems, setProblems] = createSignal<{ errors: CsvRowError[]; count: number } | null>(null);
  const [failure, setFailure] = createSignal<string | null>(null);
  // Rows arrive in windows from the worker; `version` re-renders when one lands.
  const rows = new Map<number, string[]>();
  const numbers = new Map<number, number>();
  const [version, setVersion] = createSignal(0);
  // Sort and filter (once the whole file is parsed): the worker orders rows; `view` names the
  // current order so rows of an older one are dropped.
  const [spec, setSpec] = createSignal<CsvViewSpec>({ sort: null, filter: '' });
  const [fileRows, setFileRows] = createSignal(0);
  let view = 0;
  // Bumped when a new view's row count lands: the visible rows are then asked for again.
  const [viewTick, setViewTick] = createSignal(0);
  const pending = new Set<number>();
  let nextId = 0;
  let scroller!: HTMLElement;
  let head!: HTMLDivElement;

  const receive = (m: CsvResponse) => {
    if (m.type === 'header') setHeader(m.header);
    else if (m.type === 'progress') {
      setRowCount(m.rows);
      setBytes(m.bytes);
    } else if (m.type === 'done') {
      setRowCount(m.rows);
      setFileRows(m.rows);
      setBytes(m.bytes);
      setDone(true);
      if (m.errorCount) setProblems({ errors: m.errors, count: m.errorCount });
    } else if (m.type === 'rows') {
      if (m.view !== view) return;
      pending.delete(Math.floor(m.start / WINDOW));
      for (const [i, row] of m.rows.entries()) {
        rows.set(m.start + i, row);
        numbers.set(m.start + i, m.numbers[i] ?? m.start + i + 1);
      }
      setVersion((v) => v + 1);
    } else if (m.type === 'view') {
      if (m.view !== view) return;
      rows.clear();
      numbers.clear();
      pending.clear();
      setRowCount(m.rows);
      setVersion((v) => v + 1);
      setViewTick((t) => t + 1);
      moveTo(0);
    } else setFailure(m.message);
  };
  // A worker that dies answers with an `error` response (csv-worker-client.ts).
  const worker = connectCsvWorker(
    () => new Worker(new URL('./csv.worker.ts', import.meta.url), { type: 'module' }),
    receive,
  );
  onCleanup(() => worker.close());
  const send = (request: CsvRequest) => worker.send(request);
  onMount(async () => send({ type: 'open', file: await props.file.blob(), delimiter: props.delimiter }));

  // Scroll state: `offset` is the content position in px (row i starts at i × ROW_HEIGHT),
  // `scrollTop` the scroller's own position on its (possibly scaled) spacer.
  const [viewport, setViewport] = createSignal(0);
  const [offset, setOffset] = createSignal(0);
  const [scrollTop, setScrollTop] = createSignal(0);
  const geometry = createMemo(
    (): ScrollGeometry => ({ rowCount: rowCount(), rowHeight: ROW_HEIGHT, viewport: viewport() }),
    undefined,
    { equals: (a, b) => a.rowCount === b.rowCount && a.viewport === b.viewport },
  );
  const scaled = () => spacerHeight(geometry()) < contentHeight(geometry());
  // The scrollTop we set ourselves, so its scroll event does not re-derive (and round) the offset.
  let ownTop = -1;

  /** Shows content offset `to`, moving the scroll bar to match. */
  const moveTo = (to: number) => {
    const g = geometry();
    const off = clampOffset(g, to);
    setOffset(off);
    scroller.scrollTop = toScrollTop(g, off);
    ownTop = scroller.scrollTop;
    setScrollTop(ownTop);
  };

  const onScroll = () => {
    const top = scroller.scrollTop;
    setScrollTop(top);
    if (Math.abs(top - ownTop) < 1) return;
    ownTop = -1;
    setOffset(toOffset(geometry(), top));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key === ' ' && event.shiftKey ? 'PageUp' : event.key;
    const to = offsetAfterKey(geometry(), offset(), key);
    if (to === null) return;
    event.preventDefault();
    moveTo(to);
  };

  // On a scaled spacer one wheel pixel would skip several rows: move by content pixels instead.
  const onWheel = (event: WheelEvent) => {
    if (!scaled() || Math.abs(event.deltaY) < Math.abs(event.deltaX) || event.ctrlKey) return;
    event.preventDefault();
    const unit = event.deltaMode === 1 ? ROW_HEIGHT : event.deltaMode === 2 ? viewport() : 1;
    moveTo(offset() + event.deltaY * unit);
  };

  onMount(() => {
    const measure = () => setViewport(Math.max(0, scroller.clientHeight - head.offsetHeight));
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    observer.observe(head); // the header is empty (0 px) until the first chunk is parsed
    measure();
    scroller.addEventListener('wheel', onWheel, { passive: false });
    onCleanup(() => {
      observer.disconnect();
      scroller.removeEventListener('wheel', onWheel);
    });
  });
  // As rows stream in (or the view resizes) the spacer changes: keep the rows the user sees.
  createEffect(on(geometry, () => moveTo(offset()), { defer: true }));

  /** Asks the worker for every window of rows the view needs that is not here yet. */
  const request = (start: number, end: number) => {
    for (let w = Math.floor(start / WINDOW); w * WINDOW < end; w++) {
      if (pending.has(w) || (rows.has(w * WINDOW) && rows.has(Math.min((w + 1) * WINDOW, rowCount()) - 1))) continue;
      pending.add(w);
      send({ type: 'rows', id: nextId++, start: w * WINDOW, end: (w + 1) * WINDOW, view });
    }
  };

  const applyView = (next: CsvViewSpec) => {
    setSpec(next);
    view += 1;
    send({ type: 'view', view, spec: next });
  };
  const sortBy = (column: number) => {
    const current = spec().sort;
    // Ascending, then descending, then the file's order (as GitHub's and DagsHub's tables).
    const sort =
      current?.column !== column
        ? { column, descending: false }
        : current.descending
          ? null
          : { column, descending: true };
    applyView({ ...spec(), sort });
  };
  let filterTimer: ReturnType<typeof setTimeout> | undefined;
  const onFilter = (text: string) => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => applyView({ ...spec(), filter: text }), 200);
  };
  const ariaSort = (column: number) => {
    const s = spec().sort;
    return s?.column === column ? (s.descending ? 'descending' : 'ascending') : 'none';
  };

  const rowAt = (index: number): string[] => {
    version();
    return rows.get(index) ?? [];
  };

  const numberAt = (index: number): number => {
    version();
    return numbers.get(index) ?? index + 1;
  };

  const columns = createMemo(() => {
    version();
    const h = header();
    // Column widths from the header and the first rows, in characters, within sane bounds.
    const widths = h.map((name) => Math.max(4, name.length));
    for (let i = 0; i < 50; i++) {
      const row = rows.get(i);
      if (!row) break;
      row.forEach((cell, c) => {
        if (c < widths.length) widths[c] = Math.max(widths[c] ?? 4, Math.min(cell.length, 40));
      });
    }
    // `ch` is the width of a digit; letters and the bold header run wider, and each cell has
    // 16px of padding, so leave room for both.
    return `5em ${widths.map((w) => `calc(${(Math.min(w, 40) * 1.25).toFixed(1)}ch + 18px)`).join(' ')}`;
  });

  const items = createMemo(() => {
    viewTick();
    const { first, end } = visibleRows(geometry(), offset(), OVERSCAN);
    if (end > first) request(first, end);
    return Array.from({ length: end - first }, (_, i) => first + i);
  });

  return (
    <div class="csv-viewer" data-testid="csv-viewer">
      <div class="viewer-bar">
        <Show when={metrics()}>
          <fieldset class="view-switch" aria-label="Show as">
            <button
              type="button"
              aria-pressed={!charted()}
              onClick={() => showAs(undefined)}
              data-testid="csv-as-table"
            >
              Table
            </button>
            <button type="button" aria-pressed={charted()} onClick={() => showAs('chart')} data-testid="csv-as-chart">
              Chart
            </button>
          </fieldset>
        </Show>
        <span data-testid="csv-rows">
          <Show when={done() && rowCount() !== fileRows()}>{rowCount().toLocaleString('en')} of </Show>
          {(done() ? fileRows() : rowCount()).toLocaleString('en')} rows × {header().length} columns
        </span>
        <label class="csv-filter" hidden={charted()}>
          <span class="visually-hidden">Filter rows</span>
          <input
            type="search"
            placeholder={done() ? 'Filter rows…' : 'Filter once parsed…'}
            disabled={!done()}
            data-testid="csv-filter"
            onInput={(e) => onFilter(e.currentTarget.value)}
          />
        </label>
        <Show when={!done()} fallback={<span class="muted">{formatSize(bytes())}</span>}>
          <span class="muted">
            parsing… {formatSize(bytes())} of {formatSize(props.file.size)}
          </span>
        </Show>
        <Show when={problems()}>
          {(p) => (
            <span
              class="warn"
              title={p()
                .errors.map((e) => `row ${e.row}: ${e.message}`)
                .join('\n')}
            >
              {p().count.toLocaleString('en')} malformed rows (first: row {p().errors[0]?.row}: {p().errors[0]?.message}
              )
            </span>
          )}
        </Show>
      </div>
      <Show when={failure()}>{(f) => <p class="error">This table cannot be read: {f()}</p>}</Show>
      <Show when={charted()}>
        {/* Its own boundary: while the chart's chunk and data load, the table's frame stays. */}
        <Suspense fallback={<p class="muted">Loading the chart…</p>}>
          <MetricsChart file={props.file} />
        </Suspense>
      </Show>
      <section
        hidden={charted()}
        class="csv-scroll"
        ref={scroller}
        tabindex="0"
        aria-label="Table rows"
        data-testid="csv-scroll"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        <div class="csv-row csv-head" ref={head} style={{ 'grid-template-columns': columns() }}>
          <span class="csv-index" />
          <For each={header()}>
            {(name, column) => (
              <span data-sort={ariaSort(column())}>
                <button
                  type="button"
                  class="csv-sort"
                  disabled={!done()}
                  title={
                    done()
                      ? `Sort by ${name}${ariaSort(column()) === 'none' ? '' : ` (now ${ariaSort(column())})`}`
                      : 'Sorting is possible once the file is parsed'
                  }
                  onClick={() => sortBy(column())}
                  data-testid="csv-sort"
                >
                  {name}
                  {ariaSort(column()) === 'ascending' ? ' ▲' : ariaSort(column()) === 'descending' ? ' ▼' : ''}
                </button>
              </span>
            )}
          </For>
        </div>
        {/* Clipped vertically so overscan rows never make the scroll range longer than the spacer
            (the mapping would then put the last row below the view); wide rows still scroll sideways. */}
        <div style={{ height: `${spacerHeight(geometry())}px`, position: 'relative', 'overflow-y': 'clip' }}>
          <For each={items()}>
            {(index) => (
              <div
                class="csv-row"
                data-row={index + 1}
                style={{
                  'grid-template-columns': columns(),
                  transform: `translateY(${scrollTop() + rowTop(geometry(), index, offset())}px)`,
                  height: `${ROW_HEIGHT}px`,
                }}
              >
                <span class="csv-index">{numberAt(index)}</span>
                <For each={rowAt(index)}>{(cell) => <span classList={{ num: isNumeric(cell) }}>{cell}</span>}</For>
              </div>
            )}
          </For>
        </div>
      </section>
    </div>
  );
}
