/**
 * A list of changed files (commit page, compare page): kind mark and path, each row linking to
 * the file on the side where it exists, moved through with the keyboard like every list.
 */
import { A } from '@solidjs/router';
import { For } from 'solid-js';
import { createListKeyboard } from '../files/list-keyboard.ts';
import { blobUrl } from '../files/urls.ts';
import type { FileChange } from '../git/read-changes.ts';

const KIND_MARK = { added: 'A', modified: 'M', deleted: 'D' } as const;

export function ChangeList(props: {
  owner: string;
  repo: string;
  changes: FileChange[];
  /** The revision a file is shown at: `before` for a deleted file, `after` otherwise. */
  before: string;
  after: string;
}) {
  let list: HTMLDivElement | undefined;
  createListKeyboard(() => list);
  return (
    <div class="change-list" ref={list} data-testid="change-list">
      <For each={props.changes}>
        {(c) => (
          <A
            class={`change-row ${c.kind}`}
            data-row
            data-testid="change-row"
            href={blobUrl(props.owner, props.repo, c.kind === 'deleted' ? props.before : props.after, c.path)}
          >
            <span class="change-kind" title={c.kind}>
              {KIND_MARK[c.kind]}
            </span>
            <span>{c.path}</span>
          </A>
        )}
      </For>
    </div>
  );
}
