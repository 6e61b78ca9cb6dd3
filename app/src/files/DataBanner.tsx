/**
 * The line above tracked data: which `.dvc` file or `dvc.lock` stage records it, and how much
 * it is — at the tracked folder itself (or before its file list is on this device) the size and
 * file count the `.dvc`/`dvc.lock` entry records (DVC 3 manifests carry no sizes, so summing
 * the listing would show none); inside it, the totals of the folder shown.
 */
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { formatSize } from '../viewers/view-file.ts';
import type { BrowseEntry, PlacedOut } from './dvc-overlay.ts';
import { countAndSize, dataTotals } from './tracked-by.ts';
import { blobUrl } from './urls.ts';

/** A size in human units, the exact byte count on hover. */
export function Size(props: { bytes: number | null }) {
  return (
    <Show when={props.bytes !== null}>
      <span title={`${(props.bytes ?? 0).toLocaleString('en')} bytes`} data-testid="data-size">
        {formatSize(props.bytes)}
      </span>
    </Show>
  );
}

export function DataBanner(props: {
  owner: string;
  repo: string;
  rev: string;
  out: PlacedOut;
  path: string;
  entries: readonly BrowseEntry[] | null;
}) {
  const totals = () => dataTotals(props.out, props.path, props.entries);
  const count = () => countAndSize(totals().nfiles, '');
  return (
    <p class="data-banner" data-testid="data-banner">
      {props.out.stage ? `Output of pipeline stage “${props.out.stage}” in ` : 'Data tracked with DVC by '}
      <A href={blobUrl(props.owner, props.repo, props.rev, props.out.pointer)}>{props.out.pointer}</A>
      <Show when={count()}>
        <span data-testid="data-nfiles"> · {count()}</span>
      </Show>
      <Show when={totals().size !== null}>
        {' · '}
        <Size bytes={totals().size} />
      </Show>
    </p>
  );
}
