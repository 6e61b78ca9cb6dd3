/**
 * The Experiments page's parallel coordinates: every shown run (after the filter, in the
 * table's order) on the params and metrics the table shows. The runs stay in the runs table's
 * worker, which reads the plotted columns from its column blocks (ParallelCoordinates `table`),
 * so 100,000 runs plot without a run object on the page. A brush says how many shown runs it
 * holds and offers to select them (then Compare takes them to the compare page).
 */
import { createMemo, createSignal, Show } from 'solid-js';
import type { ExperimentsData } from './create-experiments-data.ts';
import { ParallelCoordinates } from './ParallelCoordinates.tsx';
import type { PcTableRuns } from './pc-runs.ts';
import type { Column, MetricSummaryKind } from './run-columns.ts';

/** Axes at most: past this the plot is a sideways scroll no one reads. */
const MAX_AXES = 16;

export function ShownRunsPlot(props: {
  data: ExperimentsData;
  /** The shown runs' slots, in the table's order. */
  order: Uint32Array;
  /** The table's columns, in its order: its params and metrics are plotted. */
  columns: Column[];
  summary: MetricSummaryKind;
  /** The sorted-by column id: the lines are coloured by it when it is plotted. */
  sort: string | null;
  onSelect: (ids: string[]) => void;
}) {
  const axes = createMemo(
    () => props.columns.filter((c) => c.kind === 'param' || c.kind === 'metric').slice(0, MAX_AXES),
    undefined,
    { equals: (a, b) => a.length === b.length && a.every((c, i) => c.id === b[i]?.id) },
  );
  const colorBy = createMemo(
    () => axes().find((c) => c.id === props.sort) ?? axes().find((c) => c.kind === 'metric') ?? null,
  );
  const table = createMemo(
    (): PcTableRuns => ({
      slots: props.order,
      read: (slots, specs, summary) => props.data.ask({ type: 'plot-columns', slots, specs, summary }),
      idOf: props.data.idOf,
    }),
  );
  const [brushed, setBrushed] = createSignal<Set<string> | null>(null);
  return (
    <section class="exp-plot" data-testid="runs-plot">
      <Show
        when={axes().length > 0}
        fallback={<p class="exp-note">No param or metric column is shown: pick some with Columns… to plot them.</p>}
      >
        <ParallelCoordinates
          table={table()}
          columns={axes()}
          summary={props.summary}
          logAxes={[]}
          colorBy={colorBy()}
          onSelect={setBrushed}
        />
        <p class="exp-note" data-testid="runs-plot-status">
          <Show
            when={brushed()}
            fallback={`${props.order.length.toLocaleString('en')} shown runs. Drag along an axis to brush; double-click the plot to clear.`}
          >
            {(b) => (
              <>
                {b().size.toLocaleString('en')} of {props.order.length.toLocaleString('en')} shown runs inside the
                brushes.{' '}
                <button
                  type="button"
                  data-testid="select-brushed"
                  disabled={b().size === 0}
                  onClick={() => props.onSelect([...b()])}
                >
                  Select {b().size === 1 ? 'it' : `these ${b().size.toLocaleString('en')}`}
                </button>
              </>
            )}
          </Show>
        </p>
      </Show>
    </section>
  );
}
