/**
 * The compare page's side-by-side table of params and metrics: a column per run and a row per
 * param or metric (transposed: a row per run, a column per param or metric). Only the rows and
 * columns in view, plus a few, are in the DOM, in a fixed table layout with set column widths
 * (a cell drawn or scrolled into view never measures the others): at 50 runs × 100 params a table
 * of every cell was frames of 50–60 ms of layout and paint, and 22 rows × 50 columns still
 * 25 ms of layout where 12 columns take 6. Spacer cells keep the scrollbars true. The header row
 * and the name column stay in view while it scrolls; a value too long for its cell ends in "…"
 * and shows whole on hover.
 */
import type { Run } from '@cairn/core/runs';
import { createMemo, createSignal, For, onCleanup, onMount, untrack } from 'solid-js';
import { keepsWindow, rowWindow } from './row-window.ts';
import { type Column, cellText } from './run-columns.ts';

/** A body row's height in px (set in CSS too: `.cmp-table tbody tr`). */
export const COMPARE_ROW_HEIGHT = 26;
/** Columns drawn beyond those in view, left and right. */
const COLUMN_OVERSCAN = 2;
/** Rows a drawn window may hold beyond the view and overscan before it is drawn again (see keepsWindow). */
const ROW_SLACK = 6;
/** The rows or columns drawn, first (inclusive) to last (exclusive). */
type Window = { first: number; last: number };
/** The scroll box's size before it is laid out (its CSS max-height is 24rem). */
const VIEWPORT_GUESS = { width: 1400, height: 400, head: COMPARE_ROW_HEIGHT, label: 208, column: 144 };

export interface CompareTableProps {
  runs: Run[];
  cols: Column[];
  differing: Set<string>;
  /** Whether a run is inside the parallel-coordinates brushes (null: no brush). */
  inBrush: (id: string) => boolean | null;
  /** The best run's id (null: none). */
  bestId: string | null;
  metric: string | null;
  transposed: boolean;
}

/** One line of the table's header or name column: its text, hover title and classes. */
interface Head {
  text: string;
  title: string;
  classes?: Record<string, boolean>;
}

export function CompareTable(props: CompareTableProps) {
  let box: HTMLElement | undefined;
  const [scroll, setScroll] = createSignal({ top: 0, left: 0 });
  const [size, setSize] = createSignal(VIEWPORT_GUESS);
  onMount(() => {
    const el = box as HTMLElement;
    // Sizes are read when the box is laid out anyway (a resize observer's callback).
    const measure = () => {
      const head = el.querySelector('thead tr')?.children;
      const label = (head?.[0] as HTMLElement | undefined)?.getBoundingClientRect().width;
      const column = (el.querySelector('thead th.cmp-cell') as HTMLElement | null)?.getBoundingClientRect().width;
      setSize({
        width: el.clientWidth || VIEWPORT_GUESS.width,
        height: el.clientHeight || VIEWPORT_GUESS.height,
        head: (head?.[0] as HTMLElement | undefined)?.getBoundingClientRect().height || VIEWPORT_GUESS.head,
        label: label || VIEWPORT_GUESS.label,
        column: column || VIEWPORT_GUESS.column,
      });
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
      if (box) setScroll({ top: box.scrollTop, left: box.scrollLeft });
    });
  };
  onCleanup(() => cancelAnimationFrame(frame));

  // What the rows and columns hold in each orientation.
  const rowCount = () => (props.transposed ? props.runs.length : props.cols.length);
  const colCount = () => (props.transposed ? props.cols.length : props.runs.length);
  const sameRange = (a: Window | undefined, b: Window) => a?.first === b.first && a?.last === b.last;
  // A window that still holds the view (the first measurement against the guess) stays drawn.
  const rows = createMemo<Window, undefined>(
    (drawn) => {
      const wanted = rowWindow(scroll().top, size().height, size().head, COMPARE_ROW_HEIGHT, rowCount());
      return drawn && keepsWindow(drawn, wanted, rowCount(), ROW_SLACK) ? drawn : wanted;
    },
    undefined,
    { equals: sameRange },
  );
  const columns = createMemo<Window, undefined>(
    (drawn) => {
      const wanted = rowWindow(scroll().left, size().width, size().label, size().column, colCount(), COLUMN_OVERSCAN);
      return drawn && keepsWindow(drawn, wanted, colCount(), COLUMN_OVERSCAN) ? drawn : wanted;
    },
    undefined,
    { equals: sameRange },
  );
  const runHead = (r: Run): Head => ({
    text: r.name,
    title: r.id === props.bestId ? `${r.name}: best by ${props.metric}` : r.name,
    classes: {
      brushed: props.inBrush(r.id) === true,
      unbrushed: props.inBrush(r.id) === false,
      best: r.id === props.bestId,
    },
  });
  const colHead = (c: Column): Head => ({ text: c.id, title: c.id });
  const shownRuns = createMemo(() => {
    const { first, last } = props.transposed ? rows() : columns();
    return props.runs.slice(first, last);
  });
  const shownCols = createMemo(() => {
    const { first, last } = props.transposed ? columns() : rows();
    return props.cols.slice(first, last);
  });

  // Width of the columns not drawn left and right of those that are (CSS works out the px).
  const gap = (n: number) => `width:calc(${n} * var(--cmp-col))`;
  const leftGap = () => gap(columns().first);
  const rightGap = () => gap(colCount() - columns().last);
  // Runs outside the brushes, dimmed: a column each (one style rule for the shown ones, not a
  // class on every cell), or a row each when transposed.
  const dimmed = createMemo(() => {
    if (props.transposed) return '';
    const cells: string[] = [];
    shownRuns().forEach((r, i) => {
      // The name cell and the left spacer come first.
      if (props.inBrush(r.id) === false) cells.push(`.cmp-table tbody td:nth-child(${i + 3})`);
    });
    return cells.length ? `${cells.join(',\n')} { opacity: 0.35; }` : '';
  });

  /** The drawn items across (the header's) and down (the rows'): runs and params, or the other way. */
  const across = (): (Run | Column)[] => (props.transposed ? shownCols() : shownRuns());
  const down = (): (Run | Column)[] => (props.transposed ? shownRuns() : shownCols());
  const heads = (): Head[] => (props.transposed ? shownCols().map(colHead) : shownRuns().map(runHead));

  const Spacer = (p: { rows: number }) => (
    <tr class="cmp-spacer" style={p.rows > 0 ? `height:${p.rows * COMPARE_ROW_HEIGHT}px` : 'display:none'}>
      <td colSpan={across().length + 3} />
    </tr>
  );
  /** A body row: its name, then a cell per shown column (plain values: no effect per cell). */
  const bodyRow = (
    head: Head,
    cells: () => { text: string; cls?: string }[],
    rowClasses?: () => Record<string, boolean>,
  ) => (
    <tr classList={rowClasses?.()}>
      <th classList={head.classes} title={head.title}>
        {head.text}
      </th>
      <td class="cmp-gap" style={leftGap()} />
      <For each={cells()}>
        {(c) => (
          <td class={c.cls} title={c.text}>
            {c.text}
          </td>
        )}
      </For>
      <td class="cmp-gap" style={rightGap()} />
    </tr>
  );
  const differs = (c: Column) => (untrack(() => props.differing.has(c.id)) ? 'differs' : undefined);
  // A run's row (transposed): its name, its value of each shown param or metric; dimmed outside a brush.
  const runRow = (r: Run) =>
    bodyRow(
      { text: r.name, title: r.name, classes: { best: r.id === props.bestId } },
      () => shownCols().map((c) => ({ text: cellText(r, c), cls: differs(c) })),
      () => ({ brushed: props.inBrush(r.id) === true, unbrushed: props.inBrush(r.id) === false }),
    );
  // A param's or metric's row: each shown run's value (a run's column is dimmed by `dimmed`).
  const columnRow = (c: Column) => {
    const cls = differs(c);
    return bodyRow(colHead(c), () => shownRuns().map((r) => ({ text: cellText(r, c), cls })));
  };

  return (
    <>
      <style>{dimmed()}</style>
      {/* Focusable, as CsvViewer's rows: the keyboard scrolls it too (arrows, Page Up/Down, Home/End). */}
      <section
        class="cmp-table"
        data-testid="compare-table"
        data-rows={rowCount()}
        ref={box}
        onScroll={onScroll}
        tabindex="0"
        aria-label="Params and metrics of the compared runs"
      >
        <table style={`--cmp-columns:${colCount()}`} classList={{ transposed: props.transposed }}>
          <thead>
            <tr>
              <th>{props.transposed ? 'run' : ''}</th>
              <th class="cmp-gap" style={leftGap()} />
              <For each={heads()}>
                {(h) => (
                  <th class="cmp-cell" classList={h.classes} title={h.title}>
                    {h.text}
                  </th>
                )}
              </For>
              <th class="cmp-gap" style={rightGap()} />
            </tr>
          </thead>
          <tbody>
            <Spacer rows={rows().first} />
            {/* Runs and columns are different objects: turning the table remakes every row. */}
            <For each={down()}>{(item) => (props.transposed ? runRow(item as Run) : columnRow(item as Column))}</For>
            <Spacer rows={rowCount() - rows().last} />
          </tbody>
        </table>
      </section>
    </>
  );
}
