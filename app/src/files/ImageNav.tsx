/**
 * Previous/next image of the same folder on an image's page, with its position ("3 of 32"):
 * buttons and the ← / → keys move to the neighbour's own blob URL, so a reload (or a shared
 * link) returns to that image. The folder is listed as the browser lists it, so images inside
 * a DVC-tracked folder step through its `.dir` manifest.
 */
import { A, useNavigate } from '@solidjs/router';
import { createResource, onCleanup, Show } from 'solid-js';
import { makeBrowseSource } from './browse-load.ts';
import { resolveBrowsePath } from './dvc-overlay.ts';
import { imagePosition } from './image-folder.ts';
import { valueNow } from './ready.ts';
import type { RepoSession } from './repo-session.ts';
import { blobUrl, treeUrl } from './urls.ts';

function parentOf(path: string): string {
  return path.split('/').slice(0, -1).join('/');
}

export function ImageNav(props: { session: RepoSession; commit: string; rev: string; path: string }) {
  const { owner, repo } = props.session.handle;
  const navigate = useNavigate();
  const [position] = createResource(
    () => [props.commit, props.path] as const,
    async ([commit, path]) => {
      const folder = await resolveBrowsePath(makeBrowseSource(props.session, commit), parentOf(path));
      return folder.kind === 'folder' || folder.kind === 'dvc-folder' ? imagePosition(folder.entries, path) : null;
    },
  );
  const go = (path: string | null | undefined) => {
    if (path) navigate(blobUrl(owner, repo, props.rev, path));
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if ((event.target as HTMLElement | null)?.closest('input, textarea, select, [contenteditable="true"]')) return;
    const p = valueNow(position);
    if (!p) return;
    if (event.key === 'ArrowLeft' && p.previous) {
      event.preventDefault();
      go(p.previous);
    } else if (event.key === 'ArrowRight' && p.next) {
      event.preventDefault();
      go(p.next);
    }
  };
  document.addEventListener('keydown', onKey);
  onCleanup(() => document.removeEventListener('keydown', onKey));
  return (
    <Show when={valueNow(position)}>
      {(p) => (
        <nav class="image-nav" aria-label="Images in this folder" data-testid="image-nav">
          <button
            type="button"
            class="button small"
            disabled={!p().previous}
            onClick={() => go(p().previous)}
            title="Previous image (←)"
            data-testid="image-previous"
          >
            ‹ Previous
          </button>
          <span class="image-position" data-testid="image-position">
            {p().index.toLocaleString('en')} of {p().total.toLocaleString('en')}
          </span>
          <button
            type="button"
            class="button small"
            disabled={!p().next}
            onClick={() => go(p().next)}
            title="Next image (→)"
            data-testid="image-next"
          >
            Next ›
          </button>
          <A class="image-gallery-link" href={`${treeUrl(owner, repo, props.rev, parentOf(props.path))}?view=gallery`}>
            All images
          </A>
        </nav>
      )}
    </Show>
  );
}
