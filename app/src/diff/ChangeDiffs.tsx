/**
 * The changed files of a commit or comparison, each opening its diff in place (GitHub's "Files
 * changed"). The list shows at once; renames are paired afterwards in the worker. View options
 * live in the query (`?diff=split&w=1`) and the last opened file in the fragment (`#diff-…`),
 * so a reload or a shared link shows the same thing.
 */
import { useLocation, useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createResource, createSignal, For, on, Show } from 'solid-js';
import { createListKeyboard } from '../files/list-keyboard.ts';
import { valueNow } from '../files/ready.ts';
import type { FileChange } from '../git/read-changes.ts';
import type { ReadContext } from '../git/read-context.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { diffAnchor } from './anchor.ts';
import { DataHandleContext } from './data-on-demand.tsx';
import { detectRenamesIn } from './detect-renames.ts';
import { entriesOf, withRenames } from './diff-entry.ts';
import { type DiffSides, FileDiff } from './FileDiff.tsx';
import { hasKeyChanges, KeyChanges } from './KeyChanges.tsx';
import type { DiffLayout } from './TextDiffView.tsx';
import './diff.css';

export function ChangeDiffs(props: {
  ctx: ReadContext;
  changes: FileChange[];
  sides: DiffSides;
  /** The open repository: lets DVC data not on this device be fetched for its diff. */
  handle?: RepoHandle;
}) {
  const [search] = useSearchParams<{ diff?: string; w?: string }>();
  const location = useLocation();
  const navigate = useNavigate();
  /** Sets one view option in the query, keeping the fragment (the router's own setter drops it). */
  const setOption = (name: 'diff' | 'w', value: string | undefined) => {
    const query = new URLSearchParams(window.location.search);
    if (value === undefined) query.delete(name);
    else query.set(name, value);
    const q = query.toString();
    navigate(`${location.pathname}${q ? `?${q}` : ''}${window.location.hash}`, { replace: true, scroll: false });
  };
  const layout = (): DiffLayout => (search.diff === 'split' ? 'split' : 'unified');
  const ignoreWhitespace = () => search.w === '1';

  const [renames] = createResource(
    () => props.changes,
    (changes) =>
      // A root commit is shown against itself: it has no old files to copy from.
      detectRenamesIn(props.ctx, changes, props.sides.before === props.sides.after ? null : props.sides.before).catch(
        () => ({ renames: [], copies: [] }),
      ),
  );
  const entries = createMemo(() => {
    // Not waited for: the list shows at once and says it is looking for renames meanwhile.
    const moves = valueNow(renames);
    return moves ? withRenames(props.changes, moves.renames, moves.copies) : entriesOf(props.changes);
  });

  const [open, setOpen] = createSignal<ReadonlySet<string>>(new Set());
  const toggle = (path: string, value: boolean) => {
    setOpen((s) => {
      const next = new Set(s);
      if (value) next.add(path);
      else next.delete(path);
      return next;
    });
    // The fragment names the file opened last; closing it clears the fragment.
    const anchor = diffAnchor(path);
    const url = `${location.pathname}${window.location.search}${value ? `#${anchor}` : ''}`;
    if (value || window.location.hash === `#${anchor}`) history.replaceState(history.state, '', url);
  };

  // A fragment naming a file opens it and scrolls to it, once its entry is listed.
  createEffect(
    on(
      () => [location.hash, entries()] as const,
      ([hash, list]) => {
        const target = list.find((e) => `#${diffAnchor(e.path)}` === hash);
        if (!target || open().has(target.path)) return;
        setOpen((s) => new Set([...s, target.path]));
        queueMicrotask(() => document.getElementById(diffAnchor(target.path))?.scrollIntoView({ block: 'start' }));
      },
    ),
  );

  let list: HTMLDivElement | undefined;
  createListKeyboard(() => list);
  return (
    <DataHandleContext.Provider value={props.handle}>
      <div class="change-diffs">
        <div class="diff-toolbar" role="toolbar" aria-label="Diff view">
          <span class="segmented">
            <button
              type="button"
              aria-pressed={layout() === 'unified'}
              data-testid="layout-unified"
              onClick={() => setOption('diff', undefined)}
            >
              Unified
            </button>
            <button
              type="button"
              aria-pressed={layout() === 'split'}
              data-testid="layout-split"
              onClick={() => setOption('diff', 'split')}
            >
              Split
            </button>
          </span>
          <label>
            <input
              type="checkbox"
              checked={ignoreWhitespace()}
              data-testid="hide-whitespace"
              onChange={(e) => setOption('w', e.currentTarget.checked ? '1' : undefined)}
            />{' '}
            Hide whitespace
          </label>
          <button
            type="button"
            class="link-button"
            data-testid="expand-all"
            onClick={() =>
              setOpen(open().size === entries().length ? new Set<string>() : new Set(entries().map((e) => e.path)))
            }
          >
            {open().size === entries().length && entries().length > 0 ? 'Collapse all' : 'Expand all'}
          </button>
          <Show when={renames.loading}>
            <span class="muted">Looking for renames and copies…</span>
          </Show>
        </div>
        <Show when={hasKeyChanges(entries())}>
          <KeyChanges ctx={props.ctx} entries={entries()} />
        </Show>
        <div class="change-list" ref={list} data-testid="change-list">
          <For each={entries()}>
            {(entry) => (
              <FileDiff
                entry={entry}
                ctx={props.ctx}
                sides={props.sides}
                anchor={diffAnchor(entry.path)}
                open={open().has(entry.path)}
                onToggle={(v) => toggle(entry.path, v)}
                layout={layout()}
                ignoreWhitespace={ignoreWhitespace()}
              />
            )}
          </For>
        </div>
      </div>
    </DataHandleContext.Provider>
  );
}
