/**
 * A table diff: a summary, the key rows were matched by (the user may pick another unique
 * column), then only the rows that differ — added green, removed red, changed rows with each
 * changed cell as old → new. Added and removed columns are marked in the header. The rows live
 * in the diff worker: the list is virtualised (rows of one fixed height) and reads the pages it
 * scrolls to, so 10,000 or 1,000,000 changed rows scroll like ten. The first rows show while the
 * worker is still counting.
 */
import type { TableRowDiff } from '@cairn/core/diff';
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { TABLE_PAGE_ROWS, type TableDiffSession } from './table-diff-session.ts';

const MARK = { added: '+', removed: '−', changed: '~' } as const;
/** Every row is this tall (CSS `.table-row`), so a scroll position is a row number. */
const ROW_HEIGHT = 26;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 15;

function Cell(props: { row: TableRowDiff; column: number; status: string }) {
  const o = () => props.row.old[props.column] ?? null;
  const n = () => props.row.new[props.column] ?? null;
  const changed = () => props.row.changed.includes(props.column);
  return (
    <td
      class={`${changed() ? 'cell-changed' : ''} col-${props.status}`}
      data-testid={changed() ? 'cell-changed' : undefined}
    >
      <Show when={changed()} fallback={props.row.kind === 'removed' ? o() : (n() ?? o() ?? '')}>
        <del>{o()}</del> → <ins>{n()}</ins>
      </Show>
    </td>
  );
}

export function TableDiffView(props: { table: TableDiffSession; onKey: (key: string | null) => void }) {
  const shown = () => props.table.shown();
  const s = () => shown().summary;
  const count = () => shown().count ?? shown().firstRows.length;
  // Pages read from the worker (page 0 is the first rows); reset when the key (the session) changes.
  const [pages, setPages] = createSignal(new Map<number, TableRowDiff[]>(), { equals: false });
  const [failed, setFailed] = createSignal<string | null>(null);
  const loading = new Set<number>();
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(480);
  let scroller: HTMLDivElement | undefined;

  createEffect(
    on(
      () => props.table,
      (table, previous) => {
        previous?.close();
        loading.clear();
        setPages(new Map());
        setFailed(null);
        if (scroller) scroller.scrollTop = 0;
        setScrollTop(0);
        onCleanup(() => table.close());
      },
    ),
  );
  onMount(() => {
    if (!scroller) return;
    const measure = () => setViewport(scroller?.clientHeight || 480);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    onCleanup(() => observer.disconnect());
  });

  const visible = createMemo(() => {
    const first = Math.max(0, Math.floor(scrollTop() / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count(), Math.ceil((scrollTop() + viewport()) / ROW_HEIGHT) + OVERSCAN);
    return { first, last: Math.max(first, last) };
  });
  const rowAt = (n: number): TableRowDiff | undefined => {
    const firstRows = shown().firstRows;
    if (n < firstRows.length) return firstRows[n];
    return pages().get(Math.floor(n / TABLE_PAGE_ROWS))?.[n % TABLE_PAGE_ROWS];
  };
  createEffect(() => {
    const { first, last } = visible();
    const table = props.table;
    if (shown().count === null) return; // the worker answers pages once every row is matched
    for (let page = Math.floor(first / TABLE_PAGE_ROWS); page * TABLE_PAGE_ROWS < last; page++) {
      if (page * TABLE_PAGE_ROWS < shown().firstRows.length || pages().has(page) || loading.has(page)) continue;
      loading.add(page);
      table.rows(page * TABLE_PAGE_ROWS, (page + 1) * TABLE_PAGE_ROWS).then(
        (rows) => {
          if (table !== props.table) return;
          loading.delete(page);
          setPages((map) => map.set(page, rows));
        },
        (error: Error) => setFailed(error.message),
      );
    }
  });
  const indexes = createMemo(() => {
    const { first, last } = visible();
    return Array.from({ length: last - first }, (_, k) => first + k);
  });

  const columnChanges = () => {
    const added = shown()
      .columns.filter((c) => c.status === 'added')
      .map((c) => c.name);
    const removed = shown()
      .columns.filter((c) => c.status === 'removed')
      .map((c) => c.name);
    return [
      added.length ? `columns added: ${added.join(', ')}` : '',
      removed.length ? `columns removed: ${removed.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
  };
  const span = () => shown().columns.length + 3;
  return (
    <div class="table-diff" data-testid="table-diff">
      <div class="table-diff-summary">
        <Show
          when={s()}
          fallback={
            <span class="muted" data-testid="table-counting">
              Matching rows… the first {shown().firstRows.length} differing rows are shown.
            </span>
          }
        >
          {(sum) => (
            <span data-testid="table-summary">
              {sum().added.toLocaleString('en')} added, {sum().removed.toLocaleString('en')} removed,{' '}
              {sum().changed.toLocaleString('en')} changed rows · {sum().unchanged.toLocaleString('en')} unchanged (
              {sum().rowsBefore.toLocaleString('en')} → {sum().rowsAfter.toLocaleString('en')} rows)
            </span>
          )}
        </Show>
        <Show when={columnChanges()}>
          <span data-testid="table-columns"> · {columnChanges()}</span>
        </Show>
        <label class="table-key">
          Match rows by{' '}
          <select
            data-testid="table-key"
            value={shown().key ?? ''}
            onChange={(e) => props.onKey(e.currentTarget.value === '' ? null : e.currentTarget.value)}
          >
            <option value="">content (no key)</option>
            <For each={shown().keyCandidates}>{(k) => <option value={k}>{k}</option>}</For>
          </select>
        </label>
      </div>
      <Show when={failed()}>
        <p class="notice error" role="alert">
          More rows could not be read: {failed()}
        </p>
      </Show>
      <Show when={count() > 0} fallback={<p class="diff-note muted">No rows differ.</p>}>
        <div
          class="diff-scroll table-diff-scroll"
          data-testid="table-scroll"
          ref={scroller}
          onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        >
          <table class="table-diff-grid">
            <thead>
              <tr>
                <th />
                <th class="ln">old</th>
                <th class="ln">new</th>
                <For each={shown().columns}>
                  {(c) => (
                    <th class={`col-${c.status}`} title={c.status === 'same' ? undefined : `column ${c.status}`}>
                      {c.name}
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <tr class="table-spacer" style={{ height: `${visible().first * ROW_HEIGHT}px` }}>
                <td colSpan={span()} />
              </tr>
              <For each={indexes()}>
                {(n) => (
                  <Show
                    when={rowAt(n)}
                    fallback={
                      <tr class="table-row pending">
                        <td colSpan={span()} class="muted">
                          …
                        </td>
                      </tr>
                    }
                  >
                    {(row) => (
                      <tr class={`table-row ${row().kind}`} data-testid="table-row" data-kind={row().kind}>
                        <td class="sign">{MARK[row().kind]}</td>
                        <td class="ln">{row().before ?? ''}</td>
                        <td class="ln">{row().after ?? ''}</td>
                        <For each={shown().columns}>
                          {(c, k) => <Cell row={row()} column={k()} status={c.status} />}
                        </For>
                      </tr>
                    )}
                  </Show>
                )}
              </For>
              <tr class="table-spacer" style={{ height: `${(count() - visible().last) * ROW_HEIGHT}px` }}>
                <td colSpan={span()} />
              </tr>
            </tbody>
          </table>
        </div>
      </Show>
    </div>
  );
}
