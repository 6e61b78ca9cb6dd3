/**
 * The diff of one file: reads both blobs, picks the diff (text, notebook, table, binary), asks
 * the worker, and draws it. Big files wait for "Load diff"; a file that is not what its name
 * says gets a message and, for notebooks and tables, its plain text diff instead.
 */

import type { NotebookDiff, TextDiff } from '@cairn/core/diff';
import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import { readBlobBytes } from '../git/read-blob.ts';
import type { ReadContext } from '../git/read-context.ts';
import { formatSize } from '../viewers/view-file.ts';
import { DvcPointerDiff } from './DvcPointerDiff.tsx';
import { DiffError, diffInWorker } from './diff-client.ts';
import type { DiffEntry } from './diff-entry.ts';
import { decodeText, diffKindOf, LOAD_ON_REQUEST_BYTES } from './file-kind.ts';
import { ImageDiffView } from './ImageDiffView.tsx';
import { NotebookDiffView } from './NotebookDiffView.tsx';
import { TableDiffView } from './TableDiffView.tsx';
import { type DiffLayout, TextDiffView } from './TextDiffView.tsx';
import { openTableDiff, type TableDiffSession } from './table-diff-session.ts';

type Computed =
  | { kind: 'text'; diff: TextDiff }
  | { kind: 'notebook'; diff: NotebookDiff }
  | { kind: 'table'; table: TableDiffSession }
  /** The richer diff failed: why, and the plain text diff. */
  | { kind: 'fallback'; reason: string; diff: TextDiff };

/** The two versions' bytes (null for a side where the file does not exist). */
export type LoadSides = () => Promise<{ before: Uint8Array | null; after: Uint8Array | null }>;

/** Reads both sides of a git change. */
export function gitSides(ctx: ReadContext, entry: DiffEntry): LoadSides {
  return async () => {
    const [before, after] = await Promise.all([
      entry.before ? readBlobBytes(ctx, entry.before) : Promise.resolve(null),
      entry.after ? readBlobBytes(ctx, entry.after) : Promise.resolve(null),
    ]);
    return { before, after };
  };
}

export function FileDiffBody(props: { path: string; load: LoadSides; layout: DiffLayout; ignoreWhitespace: boolean }) {
  const [sides] = createResource(
    () => props.load,
    async (load) => {
      const { before, after } = await load();
      return { before, after, kind: diffKindOf(props.path, [before, after]) };
    },
  );
  const [requested, setRequested] = createSignal(false);
  const [tableKey, setTableKey] = createSignal<string | null>(null);
  const big = () => {
    const s = valueNow(sides);
    return !!s && Math.max(s.before?.length ?? 0, s.after?.length ?? 0) > LOAD_ON_REQUEST_BYTES;
  };
  const [computed] = createResource(
    () => {
      const s = valueNow(sides);
      if (!s || s.kind === 'binary' || s.kind === 'image' || (big() && !requested())) return undefined;
      return { ...s, ignoreWhitespace: props.ignoreWhitespace, key: tableKey() };
    },
    async (s): Promise<Computed> => {
      // Decoded on the page only for the diffs that take text (a table's bytes go to the worker as they are).
      const text = () =>
        diffInWorker({
          type: 'text',
          before: decodeText(s.before),
          after: decodeText(s.after),
          ignoreWhitespace: s.ignoreWhitespace,
        });
      try {
        if (s.kind === 'notebook' && s.before && s.after) {
          const [before, after] = [decodeText(s.before), decodeText(s.after)];
          return {
            kind: 'notebook',
            diff: await diffInWorker({ type: 'notebook', before, after, ignoreWhitespace: s.ignoreWhitespace }),
          };
        }
        if (s.kind === 'table' && s.before && s.after) {
          const delimiter = props.path.toLowerCase().endsWith('.tsv') ? '\t' : ',';
          return { kind: 'table', table: await openTableDiff(s.before, s.after, delimiter, s.key) };
        }
      } catch (error) {
        if (!(error instanceof DiffError) || error.code === 'worker_crashed') throw error;
        return { kind: 'fallback', reason: error.message, diff: await text() };
      }
      return { kind: 'text', diff: await text() };
    },
  );
  const sizes = () => {
    const s = valueNow(sides);
    const b = s?.before ? formatSize(s.before.length) : null;
    const a = s?.after ? formatSize(s.after.length) : null;
    return b && a ? `${b} → ${a}` : (a ?? b ?? '');
  };
  return (
    <div class="file-diff-body" data-testid="file-diff-body">
      <Show when={props.path.endsWith('.dvc') && valueNow(sides)}>
        {(s) => <DvcPointerDiff path={props.path} before={s().before} after={s().after} layout={props.layout} />}
      </Show>
      <Show when={sides.error || computed.error}>
        <p class="notice error" role="alert" data-testid="diff-error">
          This diff could not be shown: {String((sides.error ?? computed.error)?.message ?? '')}
        </p>
      </Show>
      <Show when={sides.loading || computed.loading}>
        <p class="diff-note muted">Computing the diff…</p>
      </Show>
      <Show when={valueNow(sides)?.kind === 'binary'}>
        <p class="diff-note" data-testid="diff-binary">
          Binary file not shown ({sizes()}).
        </p>
      </Show>
      <Show when={valueNow(sides)?.kind === 'image' && valueNow(sides)}>
        {(s) => <ImageDiffView path={props.path} before={s().before} after={s().after} />}
      </Show>
      <Show when={valueNow(sides)?.kind !== 'binary' && valueNow(sides)?.kind !== 'image' && big() && !requested()}>
        <p class="diff-note" data-testid="diff-big">
          Large diff ({sizes()}) not loaded.{' '}
          <button type="button" class="link-button" data-testid="diff-load" onClick={() => setRequested(true)}>
            Load diff
          </button>
        </p>
      </Show>
      <Show when={valueNow(computed)}>
        {(c) => (
          <Switch>
            <Match when={c().kind === 'notebook' && (c() as Extract<Computed, { kind: 'notebook' }>)}>
              {(nb) => <NotebookDiffView diff={nb().diff} layout={props.layout} />}
            </Match>
            <Match when={c().kind === 'table' && (c() as Extract<Computed, { kind: 'table' }>)}>
              {(t) => <TableDiffView table={t().table} onKey={setTableKey} />}
            </Match>
            <Match when={c().kind === 'fallback' && (c() as Extract<Computed, { kind: 'fallback' }>)}>
              {(f) => (
                <>
                  <p class="notice" data-testid="diff-fallback">
                    {f().reason} Showing the text diff.
                  </p>
                  <TextDiffView diff={f().diff} layout={props.layout} />
                </>
              )}
            </Match>
            <Match when={c().kind === 'text' && (c() as Extract<Computed, { kind: 'text' }>)}>
              {(t) => <TextDiffView diff={t().diff} layout={props.layout} path={props.path} />}
            </Match>
          </Switch>
        )}
      </Show>
    </div>
  );
}
