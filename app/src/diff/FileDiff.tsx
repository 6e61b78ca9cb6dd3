/**
 * One changed file on a commit or compare page: a header (kind, path, links to each side) that
 * opens and closes its diff in place. The diff is read and computed only when opened.
 */
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { blobUrl } from '../files/urls.ts';
import type { ReadContext } from '../git/read-context.ts';
import type { DiffEntry } from './diff-entry.ts';
import { FileDiffBody, gitSides } from './FileDiffBody.tsx';
import type { DiffLayout } from './TextDiffView.tsx';

const KIND_MARK = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R', copied: 'C' } as const;

export interface DiffSides {
  owner: string;
  repo: string;
  /** Revisions of the old and the new side, for the "view file" links. */
  before: string;
  after: string;
}

export function FileDiff(props: {
  entry: DiffEntry;
  ctx: ReadContext;
  sides: DiffSides;
  anchor: string;
  open: boolean;
  onToggle: (open: boolean) => void;
  layout: DiffLayout;
  ignoreWhitespace: boolean;
}) {
  const e = () => props.entry;
  return (
    <section class={`file-diff ${e().kind}`} id={props.anchor} data-testid="file-diff" data-path={e().path}>
      <header class="file-diff-header">
        <button
          type="button"
          class={`change-row ${e().kind}`}
          data-row
          data-testid="change-row"
          aria-expanded={props.open}
          onClick={() => props.onToggle(!props.open)}
        >
          <span class="chevron" aria-hidden="true">
            {props.open ? '▾' : '▸'}
          </span>
          <span class="change-kind" title={e().kind}>
            {KIND_MARK[e().kind]}
          </span>
          <span class="change-path">{e().kind === 'renamed' ? `${e().oldPath} → ${e().path}` : e().path}</span>
          <Show when={e().kind === 'copied'}>
            <span class="muted copied-from" data-testid="copied-from">
              copied from {e().oldPath}
            </span>
          </Show>
        </button>
        <Show when={(e().kind === 'renamed' || e().kind === 'copied') && e().similarity !== undefined}>
          <span class="muted similarity">{Math.round((e().similarity ?? 0) * 100)} % similar</span>
        </Show>
        <span class="file-links">
          <Show when={e().before}>
            <A
              href={blobUrl(props.sides.owner, props.sides.repo, props.sides.before, e().oldPath)}
              data-testid="diff-link-before"
            >
              before
            </A>
          </Show>
          <Show when={e().after}>
            <A
              href={blobUrl(props.sides.owner, props.sides.repo, props.sides.after, e().path)}
              data-testid="diff-link-after"
            >
              after
            </A>
          </Show>
        </span>
      </header>
      <Show when={props.open}>
        <FileDiffBody
          path={e().path}
          load={gitSides(props.ctx, e())}
          layout={props.layout}
          ignoreWhitespace={props.ignoreWhitespace}
        />
      </Show>
    </section>
  );
}
