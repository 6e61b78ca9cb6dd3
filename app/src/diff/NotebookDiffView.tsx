/**
 * A notebook diff by cell, as nbdime shows it: each added, removed, moved or modified cell with
 * its source diff and, when its outputs changed, the outputs' text diff and images side by
 * side. Runs of unchanged cells are folded. Metadata and execution-count changes are hidden
 * until asked for (re-running a notebook changes every count).
 */
import type { NotebookCellView, NotebookDiff } from '@cairn/core/diff';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { outputImages } from './notebook-images.ts';
import { type DiffLayout, TextDiffView } from './TextDiffView.tsx';

type Shown =
  | { type: 'cell'; cell: NotebookCellView; kind: string }
  | { type: 'fold'; cells: NotebookCellView[]; start: number };

/** What a cell's change is called once hidden details are set aside. */
function shownKind(cell: NotebookCellView, details: boolean): string {
  if (cell.kind !== 'modified') return cell.kind;
  const c = cell.changes;
  const visible = c.source || c.outputs || c.attachments || c.type || (details && (c.metadata || c.executionCount));
  return visible ? 'modified' : 'unchanged';
}

function changedParts(cell: NotebookCellView, details: boolean): string {
  const c = cell.changes;
  const parts = [
    c.type && 'type',
    c.source && 'source',
    c.outputs && 'outputs',
    c.attachments && 'attachments',
    details && c.metadata && 'metadata',
    details && c.executionCount && 'execution count',
  ].filter(Boolean);
  return parts.join(', ');
}

function CellCard(props: { cell: NotebookCellView; kind: string; details: boolean; layout: DiffLayout }) {
  const c = () => props.cell;
  const label = () => {
    const where = c().other !== null ? `cell ${(c().other ?? 0) + 1}` : `old cell ${(c().base ?? 0) + 1}`;
    const what = props.kind === 'modified' ? `modified (${changedParts(c(), props.details)})` : props.kind;
    return `${where} · ${c().type} · ${what}${c().moved ? ' · moved' : ''}`;
  };
  const images = createMemo(() =>
    c().changes.outputs
      ? { before: outputImages(c().before?.outputs ?? []), after: outputImages(c().after?.outputs ?? []) }
      : null,
  );
  return (
    <div class={`nb-cell ${props.kind}`} data-testid="nb-cell" data-kind={props.kind}>
      <div class="nb-cell-head">
        <span class="nb-count">
          [{c().before?.executionCount ?? ' '}] → [{c().after?.executionCount ?? ' '}]
        </span>
        <span>{label()}</span>
      </div>
      {/* A cell whose source is the same (only its outputs changed) shows that source plainly, not as an empty diff. */}
      <Show
        when={c().sourceDiff.rows.some((r) => r.kind !== 'same')}
        fallback={
          <Show when={(c().after ?? c().before)?.source} fallback={<p class="diff-note muted">Empty cell.</p>}>
            {(source) => (
              <pre class="nb-source-same" data-testid="nb-source-same">
                {source()}
              </pre>
            )}
          </Show>
        }
      >
        <TextDiffView diff={c().sourceDiff} layout={props.layout} context={10_000} />
      </Show>
      <Show when={c().outputsDiff}>
        {(d) => (
          <div class="nb-outputs" data-testid="nb-outputs">
            <div class="nb-sub muted">Outputs</div>
            <TextDiffView diff={d()} layout={props.layout} context={10_000} />
          </div>
        )}
      </Show>
      <Show when={images() && images()?.before.join() !== images()?.after.join()}>
        <div class="nb-images" data-testid="nb-images">
          <figure>
            <figcaption>before</figcaption>
            <For each={images()?.before}>{(src) => <img src={src} alt="output before" />}</For>
          </figure>
          <figure>
            <figcaption>after</figcaption>
            <For each={images()?.after}>{(src) => <img src={src} alt="output after" />}</For>
          </figure>
        </div>
      </Show>
      <Show when={props.details && c().changes.metadata}>
        <div class="nb-meta" data-testid="nb-metadata">
          <div class="nb-sub muted">Metadata</div>
          <pre class="removed-text">{c().before?.metadata}</pre>
          <pre class="added-text">{c().after?.metadata}</pre>
        </div>
      </Show>
    </div>
  );
}

export function NotebookDiffView(props: { diff: NotebookDiff; layout: DiffLayout }) {
  const [details, setDetails] = createSignal(false);
  const [openFolds, setOpenFolds] = createSignal<ReadonlySet<number>>(new Set());
  const hiddenDetails = createMemo(
    () => props.diff.cells.filter((c) => c.kind === 'modified' && shownKind(c, false) === 'unchanged').length,
  );
  const shown = createMemo((): Shown[] => {
    const out: Shown[] = [];
    props.diff.cells.forEach((cell, i) => {
      const kind = shownKind(cell, details());
      const last = out[out.length - 1];
      if (kind === 'unchanged' && !cell.moved && !openFolds().has(i)) {
        if (last?.type === 'fold') last.cells.push(cell);
        else out.push({ type: 'fold', cells: [cell], start: i });
      } else out.push({ type: 'cell', cell, kind });
    });
    return out;
  });
  const counts = createMemo(() => {
    const n = { added: 0, removed: 0, modified: 0, moved: 0 };
    for (const c of props.diff.cells) {
      const k = shownKind(c, details());
      if (k === 'added' || k === 'removed' || k === 'modified') n[k]++;
      if (c.moved) n.moved++;
    }
    return n;
  });
  return (
    <div class="nb-diff" data-testid="notebook-diff">
      <div class="nb-summary">
        <span data-testid="nb-summary">
          {counts().modified} modified, {counts().added} added, {counts().removed} removed
          {counts().moved ? `, ${counts().moved} moved` : ''} cells
        </span>
        <span class="muted"> · matched by {props.diff.matchedBy === 'id' ? 'cell id' : 'content'}</span>
        <label class="nb-details-toggle">
          <input
            type="checkbox"
            checked={details()}
            onChange={(e) => setDetails(e.currentTarget.checked)}
            data-testid="nb-details"
          />{' '}
          Show metadata and execution counts
          {hiddenDetails() > 0 && !details()
            ? ` (${hiddenDetails()} ${hiddenDetails() === 1 ? 'cell' : 'cells'} changed only there)`
            : ''}
        </label>
      </div>
      <Show when={details() && props.diff.metadataChanged}>
        <p class="diff-note">The notebook's own metadata changed.</p>
      </Show>
      <For each={shown()}>
        {(s) =>
          s.type === 'fold' ? (
            <button
              type="button"
              class="nb-fold link-button"
              data-testid="nb-fold"
              onClick={() => setOpenFolds((o) => new Set([...o, ...s.cells.map((_, k) => s.start + k)]))}
            >
              ↕ {s.cells.length} unchanged {s.cells.length === 1 ? 'cell' : 'cells'}
            </button>
          ) : (
            <CellCard cell={s.cell} kind={s.kind} details={details()} layout={props.layout} />
          )
        }
      </For>
    </div>
  );
}
