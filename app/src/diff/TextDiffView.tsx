/**
 * A line diff drawn unified (old and new line numbers, − and + rows) or split (old left, new
 * right). Unchanged runs are folded to three lines of context; a fold opens 20 lines up or down
 * at a time, or whole. Changed words inside a changed line carry a darker mark; other lines get
 * syntax colours when the file is small enough (diff-highlight.ts, loaded lazily).
 */
import type { DiffBlock, DiffRow, FoldReveal, SplitRow, TextDiff } from '@cairn/core/diff';
import { foldContext, revealFolds, splitRows } from '@cairn/core/diff';
import {
  createContext,
  createMemo,
  createResource,
  createSignal,
  For,
  Match,
  Show,
  Switch,
  useContext,
} from 'solid-js';
import { valueNow } from '../files/ready.ts';
import { HIGHLIGHT_MAX_CHARS, type LineHighlighter, lineHighlighter } from './diff-highlight.ts';

/** Lines opened per click on a fold's "expand up" / "expand down". */
export const EXPAND_STEP = 20;

const Highlighter = createContext<() => LineHighlighter | null | undefined>(() => null);

export type DiffLayout = 'unified' | 'split';

function LineText(props: { row: DiffRow | null }) {
  const highlight = useContext(Highlighter);
  const plain = () => {
    const h = highlight();
    const text = props.row?.text ?? '';
    return h && text ? <span class="hl" innerHTML={h(text)} /> : text;
  };
  return (
    <Show when={props.row?.words} fallback={plain()}>
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

export function TextDiffView(props: { diff: TextDiff; layout: DiffLayout; context?: number; path?: string }) {
  const [revealed, setRevealed] = createSignal<ReadonlyMap<number, FoldReveal>>(new Map());
  const folds = createMemo(() => foldContext(props.diff.rows, props.context ?? 3));
  const blocks = createMemo((): DiffBlock[] => revealFolds(folds(), revealed()));
  /** The original fold a (possibly partly opened) fold block belongs to. */
  const origin = (b: DiffBlock) => folds().find((f) => f.type === 'fold' && f.start <= b.start && b.end <= f.end);
  const reveal = (b: DiffBlock, side: 'top' | 'bottom' | 'all') => {
    const f = origin(b);
    if (!f) return;
    setRevealed((m) => {
      const next = new Map(m);
      const r = next.get(f.start) ?? { top: 0, bottom: 0 };
      next.set(
        f.start,
        side === 'all'
          ? { top: f.end - f.start, bottom: 0 }
          : side === 'top'
            ? { ...r, top: r.top + EXPAND_STEP }
            : { ...r, bottom: r.bottom + EXPAND_STEP },
      );
      return next;
    });
  };
  const [highlighter] = createResource(
    () => {
      const path = props.path;
      if (!path) return undefined;
      let chars = 0;
      for (const r of props.diff.rows) chars += r.text.length + 1;
      return chars <= HIGHLIGHT_MAX_CHARS * 2 ? path : undefined;
    },
    (path) => lineHighlighter(path).catch(() => null),
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
      <Highlighter.Provider value={() => valueNow(highlighter)}>
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
                          <Show when={block.end - block.start > EXPAND_STEP && block.start > 0}>
                            <button
                              type="button"
                              class="link-button"
                              data-testid="diff-expand-down"
                              title={`Show ${EXPAND_STEP} more lines below the change above`}
                              onClick={() => reveal(block, 'top')}
                            >
                              ↓ {EXPAND_STEP}
                            </button>
                          </Show>
                          <button
                            type="button"
                            class="link-button"
                            data-testid="diff-unfold"
                            onClick={() => reveal(block, 'all')}
                          >
                            ↕ Show {block.end - block.start} unchanged{' '}
                            {block.end - block.start === 1 ? 'line' : 'lines'}
                          </button>
                          <Show when={block.end - block.start > EXPAND_STEP && block.end < props.diff.rows.length}>
                            <button
                              type="button"
                              class="link-button"
                              data-testid="diff-expand-up"
                              title={`Show ${EXPAND_STEP} more lines above the change below`}
                              onClick={() => reveal(block, 'bottom')}
                            >
                              ↑ {EXPAND_STEP}
                            </button>
                          </Show>
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
      </Highlighter.Provider>
    </Show>
  );
}
