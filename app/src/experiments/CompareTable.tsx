/**
 * The compare page's side-by-side table of params and metrics: a column per run and a row per
 * param or metric (transposed: a row per run). Its columns have set widths (a fixed table
 * layout: adding or scrolling cells never measures the others) and only the rows in view, plus a
 * few, are in the DOM: at 50 runs × 100 columns, a table of every cell was 50–60 ms frames of
 * layout and paint, one per step while it filled in. The header row and the first column stay in
 * view while it scrolls; a cell too narrow for its value ends in "…" and shows it on hover.
 */
import type { Run } from '@cairn/core/runs';
import { createMemo, createSignal, For, onCleanup, onMount, untrack } from 'solid-js';
import { rowWindow } from './row-window.ts';
import { type Column, cellText } from './run-columns.ts';

/** A body row's height in px (set in CSS too: `.cmp-table tbody tr`). */
export const COMPARE_ROW_HEIGHT = 26;

export interface CompareTableProps {
  runs: Run[];
  cols: Column[];
  differing: Set<string>;
  /** Whether a run is inside the parallel-coordinates brushes (null: no brush). */
  inBrush: (id: string) => boolean | null;
  best: Run | null;
  metric: string | null;
  transposed: boolean;
}

/** The scroll box's height before it is laid out (its CSS max-height is 24rem). */
const VIEWPORT_GUESS = 400;

export function CompareTable(props: CompareTableProps) {
  let box: HTMLDivElement | undefined;
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(VIEWPORT_GUESS);
  const [headPx, setHeadPx] = createSignal(COMPARE_ROW_HEIGHT);
  onMount(() => {
    const el = box as HTMLDivElement;
    const measure = () => {
      setViewport(el.clientHeight || VIEWPORT_GUESS);
      setHeadPx(el.querySelector('thead')?.getBoundingClientRect().height || COMPARE_ROW_HEIGHT);
    };
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    onCleanup(() => observer.disconnect());
  });
  let frame = 0;
  const onScroll = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (box) setScrollTop(box.scrollTop);
    });
  };
  onCleanup(() => cancelAnimationFrame(frame));

  const rowCount = () => (props.transposed ? props.runs.length : props.cols.length);
  const range = createMemo(
    () => rowWindow(scrollTop(), viewport(), headPx(), COMPARE_ROW_HEIGHT, rowCount()),
    undefined,
    {
      equals: (a, b) => a.first === b.first && a.last === b.last,
    },
  );
  // The height of the rows not drawn above or below those that are (the scrollbar stays true).
  const Spacer = (p: { rows: number }) => (
    <tr class="cmp-spacer" style={p.rows > 0 ? `height:${p.rows * COMPARE_ROW_HEIGHT}px` : 'display:none'}>
      <td colSpan={(props.transposed ? props.cols.length : props.runs.length) + 1} />
    </tr>
  );
  const width = () => `--cmp-columns:${props.transposed ? props.cols.length : props.runs.length}`;

  return (
    <div class="cmp-table" data-testid="compare-table" data-rows={rowCount()} ref={box} onScroll={onScroll}>
      <table style={width()} classList={{ transposed: props.transposed }}>
        {props.transposed ? (
          <>
            <thead>
              <tr>
                <th>run</th>
                <For each={props.cols}>{(c) => <th title={c.id}>{c.id}</th>}</For>
              </tr>
            </thead>
            <tbody>
              <Spacer rows={range().first} />
              <For each={props.runs.slice(range().first, range().last)}>
                {(r) => (
                  <tr
                    classList={{
                      brushed: props.inBrush(r.id) === true,
                      unbrushed: props.inBrush(r.id) === false,
                    }}
                  >
                    <th classList={{ best: r === props.best }} title={r.name}>
                      {r.name}
                    </th>
                    <For each={props.cols}>
                      {(c) => {
                        // Plain values: no effect per cell (a row is remade when its run changes).
                        const cls = untrack(() => props.differing.has(c.id)) ? 'differs' : undefined;
                        const text = cellText(r, c);
                        return (
                          <td class={cls} title={text}>
                            {text}
                          </td>
                        );
                      }}
                    </For>
                  </tr>
                )}
              </For>
              <Spacer rows={rowCount() - range().last} />
            </tbody>
          </>
        ) : (
          <>
            <thead>
              <tr>
                <th />
                <For each={props.runs}>
                  {(r) => (
                    <th
                      classList={{
                        brushed: props.inBrush(r.id) === true,
                        unbrushed: props.inBrush(r.id) === false,
                        best: r === props.best,
                      }}
                      title={r === props.best ? `${r.name}: best by ${props.metric}` : r.name}
                    >
                      {r.name}
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <Spacer rows={range().first} />
              <For each={props.cols.slice(range().first, range().last)}>
                {(c) => {
                  // Fixed for the row's life (new runs make new rows); the brush dims whole
                  // columns through one style rule per run (the page's), not an effect per cell.
                  const cls = untrack(() => props.differing.has(c.id)) ? 'differs' : undefined;
                  return (
                    <tr>
                      <th title={c.id}>{c.id}</th>
                      <For each={props.runs}>
                        {(r) => {
                          // A plain value, not an expression: Solid makes no effect for it.
                          const text = cellText(r, c);
                          return (
                            <td class={cls} title={text}>
                              {text}
                            </td>
                          );
                        }}
                      </For>
                    </tr>
                  );
                }}
              </For>
              <Spacer rows={rowCount() - range().last} />
            </tbody>
          </>
        )}
      </table>
    </div>
  );
}
