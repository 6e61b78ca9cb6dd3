/**
 * CSV/TSV as a virtualised table: the file is parsed in a worker (papaparse, streamed), the
 * first rows show as soon as the first chunk is parsed, and only the rows in view (plus a
 * margin) are ever in the page. A million-row file scrolls without freezing the tab.
 */
import { createVirtualizer } from '@tanstack/solid-virtual';
import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { CsvRowError } from './csv-parse.ts';
import type { CsvRequest, CsvResponse } from './csv-protocol.ts';
import { formatSize, type ViewFile } from './view-file.ts';

const ROW_HEIGHT = 24;
const WINDOW = 400;

export default function CsvViewer(props: { file: ViewFile; delimiter: ',' | '\t' }) {
  const [header, setHeader] = createSignal<string[]>([]);
  const [rowCount, setRowCount] = createSignal(0);
  const [bytes, setBytes] = createSignal(0);
  const [done, setDone] = createSignal(false);
  const [problems, setProblems] = createSignal<{ errors: CsvRowError[]; count: number } | null>(null);
  const [failure, setFailure] = createSignal<string | null>(null);
  // Rows arrive in windows from the worker; `version` re-renders when one lands.
  const rows = new Map<number, string[]>();
  const [version, setVersion] = createSignal(0);
  const pending = new Set<number>();
  let nextId = 0;
  let scroller!: HTMLDivElement;

  const worker = new Worker(new URL('./csv.worker.ts', import.meta.url), { type: 'module' });
  onCleanup(() => worker.terminate());
  const send = (request: CsvRequest) => worker.postMessage(request);

  worker.onmessage = (event: MessageEvent<CsvResponse>) => {
    const m = event.data;
    if (m.type === 'header') setHeader(m.header);
    else if (m.type === 'progress') {
      setRowCount(m.rows);
      setBytes(m.bytes);
    } else if (m.type === 'done') {
      setRowCount(m.rows);
      setBytes(m.bytes);
      setDone(true);
      if (m.errorCount) setProblems({ errors: m.errors, count: m.errorCount });
    } else if (m.type === 'rows') {
      pending.delete(Math.floor(m.start / WINDOW));
      for (const [i, row] of m.rows.entries()) rows.set(m.start + i, row);
      setVersion((v) => v + 1);
    } else setFailure(m.message);
  };
  onMount(async () => send({ type: 'open', file: await props.file.blob(), delimiter: props.delimiter }));

  const virtualizer = createVirtualizer({
    get count() {
      return rowCount();
    },
    getScrollElement: () => scroller,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  /** Asks the worker for every window of rows the view needs that is not here yet. */
  const request = (start: number, end: number) => {
    for (let w = Math.floor(start / WINDOW); w * WINDOW < end; w++) {
      if (pending.has(w) || (rows.has(w * WINDOW) && rows.has(Math.min((w + 1) * WINDOW, rowCount()) - 1))) continue;
      pending.add(w);
      send({ type: 'rows', id: nextId++, start: w * WINDOW, end: (w + 1) * WINDOW });
    }
  };

  const rowAt = (index: number): string[] => {
    version();
    return rows.get(index) ?? [];
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
    const list = virtualizer.getVirtualItems();
    const first = list[0]?.index ?? 0;
    const last = list[list.length - 1]?.index ?? 0;
    if (list.length) request(first, last + 1);
    return list;
  });

  return (
    <div class="csv-viewer" data-testid="csv-viewer">
      <div class="viewer-bar">
        <span data-testid="csv-rows">
          {rowCount().toLocaleString('en')} rows × {header().length} columns
        </span>
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
      <div class="csv-scroll" ref={scroller}>
        <div class="csv-row csv-head" style={{ 'grid-template-columns': columns() }}>
          <span class="csv-index" />
          <For each={header()}>{(name) => <span>{name}</span>}</For>
        </div>
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          <For each={items()}>
            {(item) => (
              <div
                class="csv-row"
                style={{
                  'grid-template-columns': columns(),
                  transform: `translateY(${item.start}px)`,
                  height: `${ROW_HEIGHT}px`,
                }}
              >
                <span class="csv-index">{item.index + 1}</span>
                <For each={rowAt(item.index)}>{(cell) => <span>{cell}</span>}</For>
              </div>
            )}
          </For>
        </div>
      </div>
    </div>
  );
}
