/**
 * A line diff drawn unified (old and new line numbers, − and + rows) or split (old left, new
 * right). Unchanged runs are folded to three lines of context; a fold opens on click. Changed
 * words inside a changed line carry a darker mark.
 */
import type { DiffBlock, DiffRow, SplitRow, TextDiff } from '@cairn/core/diff';
import { foldContext, splitRows } from '@cairn/core/diff';
import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';

export type DiffLayout = 'unified' | 'split';

function LineText(props: { row: DiffRow | null }) {
  return (
    <Show when={props.row?.words} fallback={props.row?.text ?? ''}>
      {(words) => <For each={words()}>{(w) => (w.changed ? <mark class="word">{w.text}</mark> : w.text)}</For>}
    </Show>
  );
}

const SIGN = { same: ' ', del: '-', add: '+' } as const;

function UnifiedRows(props: { rows: readonly DiffRow[]; start: number; end: number }) {
  return (
    <For each={props.rows.slice(props.start, props.end)}>
      {(row) => (
        <tr class={`diff-line ${row.kind}`} data-kind={row.kind}>
          <td class="ln">{row.old ?? ''}</td>
          <td class="ln">{row.new ?? ''}</td>
          <td class="sign">{SIGN[row.kind]}</td>
          <td class="code">
            <LineText row={row} />
          </td>
        </tr>
      )}
    </For>
  );
}

function SplitSide(props: { row: DiffRow | null; side: 'old' | 'new' }) {
  const kind = () => (props.row ? props.row.kind : 'empty');
  return (
    <>
      <td class={`ln ${kind()}`}>{props.row ? (props.side === 'old' ? props.row.old : props.row.new) : ''}</td>
      <td class={`code ${kind()}`} data-kind={kind()}>
        <LineText row={props.row} />
      </td>
    </>
  );
}

function SplitRows(props: { rows: readonly DiffRow[]; start: number; end: number }) {
  return (
    <For each={splitRows(props.rows, props.start, props.end)}>
      {(pair: SplitRow) => (
        <tr class="diff-line split">
          <SplitSide row={pair.left} side="old" />
          <SplitSide row={pair.right} side="new" />
        </tr>
      )}
    </For>
  );
}

export function TextDiffView(props: { diff: TextDiff; layout: DiffLayout; context?: number }) {
  const [opened, setOpened] = createSignal<ReadonlySet<number>>(new Set());
  const blocks = createMemo((): DiffBlock[] =>
    foldContext(props.diff.rows, props.context ?? 3).map((b) =>
      b.type === 'fold' && opened().has(b.start) ? { ...b, type: 'rows' } : b,
    ),
  );
  const cols = () => (props.layout === 'split' ? 4 : 4);
  return (
    <Show
      when={props.diff.rows.some((r) => r.kind !== 'same')}
      fallback={
        <p class="diff-note muted" data-testid="diff-empty">
          {props.diff.rows.length === 0 ? 'Empty file.' : 'No changes (whitespace only, hidden).'}
        </p>
      }
    >
      <div class="diff-scroll">
        <table class={`diff-table ${props.layout}`} data-testid="text-diff" data-layout={props.layout}>
          <colgroup>
            <Switch>
              <Match when={props.layout === 'unified'}>
                <col class="ln-col" />
                <col class="ln-col" />
                <col class="sign-col" />
                <col />
              </Match>
              <Match when={props.layout === 'split'}>
                <col class="ln-col" />
                <col class="half" />
                <col class="ln-col" />
                <col class="half" />
              </Match>
            </Switch>
          </colgroup>
          <tbody>
            <For each={blocks()}>
              {(block) => (
                <Switch>
                  <Match when={block.type === 'fold'}>
                    <tr class="diff-fold">
                      <td colSpan={cols()}>
                        <button
                          type="button"
                          class="link-button"
                          data-testid="diff-unfold"
                          onClick={() => setOpened((s) => new Set([...s, block.start]))}
                        >
                          ↕ Show {block.end - block.start} unchanged {block.end - block.start === 1 ? 'line' : 'lines'}
                        </button>
                      </td>
                    </tr>
                  </Match>
                  <Match when={props.layout === 'unified'}>
                    <UnifiedRows rows={props.diff.rows} start={block.start} end={block.end} />
                  </Match>
                  <Match when={props.layout === 'split'}>
                    <SplitRows rows={props.diff.rows} start={block.start} end={block.end} />
                  </Match>
                </Switch>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
