/** A folder's entries (git files and tracked data alike), navigable with the keyboard. */
import { A, useNavigate } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { formatSize } from '../viewers/view-file.ts';
import type { BrowseEntry } from './dvc-overlay.ts';
import { createListKeyboard } from './list-keyboard.ts';
import { countAndSize, trackedBy } from './tracked-by.ts';
import { blobUrl, treeUrl } from './urls.ts';

export function EntryList(props: { owner: string; repo: string; rev: string; path: string; entries: BrowseEntry[] }) {
  let list: HTMLDivElement | undefined;
  const navigate = useNavigate();
  const parent = () => props.path.split('/').slice(0, -1).join('/');
  createListKeyboard(
    () => list,
    () => props.path && navigate(treeUrl(props.owner, props.repo, props.rev, parent())),
  );
  const href = (e: BrowseEntry) =>
    e.type === 'folder'
      ? treeUrl(props.owner, props.repo, props.rev, e.path)
      : blobUrl(props.owner, props.repo, props.rev, e.path);
  return (
    <div class="entry-list" ref={list} data-testid="entry-list">
      <Show when={props.path}>
        <A class="entry" href={treeUrl(props.owner, props.repo, props.rev, parent())} data-row>
          <span class="entry-icon" aria-hidden="true">
            ↰
          </span>
          <span class="entry-name">..</span>
        </A>
      </Show>
      <For each={props.entries} fallback={<p class="muted entry">This folder is empty.</p>}>
        {(e) => (
          <A class="entry" href={href(e)} data-row data-source={e.source} data-testid="entry">
            <span class={`entry-icon ${e.type}`} aria-hidden="true">
              {e.type === 'folder' ? '▸' : e.type === 'submodule' ? '⎘' : '·'}
            </span>
            <span class="entry-name">{e.name}</span>
            <span class="entry-meta">
              <Show when={e.source === 'dvc'}>
                <span class="tag" title={e.pointer ? trackedBy({ pointer: e.pointer, stage: e.stage }) : undefined}>
                  {e.stage ? 'pipeline' : 'DVC'}
                </span>
              </Show>
              <Show when={e.tracks}>
                <span class="muted" title="DVC pointer file">
                  → {e.tracks?.join(', ')}
                </span>
              </Show>
            </span>
            <span class="entry-size" title={e.size === null ? undefined : `${e.size.toLocaleString('en')} bytes`}>
              {countAndSize(e.nfiles, formatSize(e.size))}
            </span>
          </A>
        )}
      </For>
    </div>
  );
}
