/**
 * A table diff: a summary, the key rows were matched by (the user may pick another unique
 * column), then only the rows that differ — added green, removed red, changed rows with each
 * changed cell as old → new. Added and removed columns are marked in the header. Rows are
 * drawn a page at a time.
 */
import type { TableDiff, TableRowDiff } from '@cairn/core/diff';
import { createSignal, For, Show } from 'solid-js';

const PAGE = 500;
const MARK = { added: '+', removed: '−', changed: '~' } as const;

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

export function TableDiffView(props: { diff: TableDiff; onKey: (key: string | null) => void }) {
  const [shown, setShown] = createSignal(PAGE);
  const s = () => props.diff.summary;
  const columnChanges = () => {
    const added = props.diff.columns.filter((c) => c.status === 'added').map((c) => c.name);
    const removed = props.diff.columns.filter((c) => c.status === 'removed').map((c) => c.name);
    return [
      added.length ? `columns added: ${added.join(', ')}` : '',
      removed.length ? `columns removed: ${removed.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
  };
  return (
    <div class="table-diff" data-testid="table-diff">
      <div class="table-diff-summary">
        <span data-testid="table-summary">
          {s().added} added, {s().removed} removed, {s().changed} changed rows · {s().unchanged} unchanged (
          {s().rowsBefore} → {s().rowsAfter} rows)
        </span>
        <Show when={columnChanges()}>
          <span data-testid="table-columns"> · {columnChanges()}</span>
        </Show>
        <label class="table-key">
          Match rows by{' '}
          <select
            data-testid="table-key"
            value={props.diff.key ?? ''}
            onChange={(e) => props.onKey(e.currentTarget.value === '' ? null : e.currentTarget.value)}
          >
            <option value="">content (no key)</option>
            <For each={props.diff.keyCandidates}>{(k) => <option value={k}>{k}</option>}</For>
          </select>
        </label>
      </div>
      <Show when={props.diff.rows.length > 0} fallback={<p class="diff-note muted">No rows differ.</p>}>
        <div class="diff-scroll">
          <table class="table-diff-grid">
            <thead>
              <tr>
                <th />
                <th class="ln">old</th>
                <th class="ln">new</th>
                <For each={props.diff.columns}>
                  {(c) => (
                    <th class={`col-${c.status}`} title={c.status === 'same' ? undefined : `column ${c.status}`}>
                      {c.name}
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <For each={props.diff.rows.slice(0, shown())}>
                {(row) => (
                  <tr class={`table-row ${row.kind}`} data-testid="table-row" data-kind={row.kind}>
                    <td class="sign">{MARK[row.kind]}</td>
                    <td class="ln">{row.before ?? ''}</td>
                    <td class="ln">{row.after ?? ''}</td>
                    <For each={props.diff.columns}>{(c, k) => <Cell row={row} column={k()} status={c.status} />}</For>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <Show when={shown() < props.diff.rows.length}>
          <button type="button" class="link-button" onClick={() => setShown((n) => n + PAGE)}>
            Show {Math.min(PAGE, props.diff.rows.length - shown())} more rows
          </button>
        </Show>
        <Show when={props.diff.truncated}>
          <p class="diff-note muted">Only the first {props.diff.rows.length} differing rows are listed.</p>
        </Show>
      </Show>
    </div>
  );
}
