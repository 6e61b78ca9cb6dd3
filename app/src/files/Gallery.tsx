/**
 * A folder as a grid of thumbnails (`?view=gallery`), as DagsHub shows an image folder. Rows are
 * virtualised against the page's scroll (TanStack Virtual), so a folder of thousands of images
 * keeps a few dozen tiles in the page; a tile loads its thumbnail only while it is in view
 * (IntersectionObserver), which for tracked data is when its object is fetched from the remote.
 * Subfolders (a `masks/` beside the images) and other files appear as tiles of their own.
 */
import { A } from '@solidjs/router';
import { createWindowVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { extensionOf, SIZE_LIMITS } from '../viewers/pick-viewer.ts';
import { formatSize } from '../viewers/view-file.ts';
import type { BrowseEntry } from './dvc-overlay.ts';
import { entryBytes, entryKey } from './entry-bytes.ts';
import { GAP, galleryColumns } from './gallery-layout.ts';
import { keptThumbnail, type Thumbnail, thumbnailOf } from './gallery-thumbnails.ts';
import { isImageName } from './image-folder.ts';
import type { RepoSession } from './repo-session.ts';
import { countAndSize } from './tracked-by.ts';
import { blobUrl, treeUrl } from './urls.ts';

/** The file name line under each thumbnail. */
const NAME_HEIGHT = 22;

function folderIcon() {
  return (
    <svg class="gallery-folder" viewBox="0 0 24 24" width="48" height="48" aria-hidden="true">
      <path
        fill="currentColor"
        d="M3 5.5A1.5 1.5 0 0 1 4.5 4h5l2 2.5h8A1.5 1.5 0 0 1 21 8v10.5a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 18.5z"
      />
    </svg>
  );
}

function Tile(props: { session: RepoSession; entry: BrowseEntry; href: string }) {
  let box!: HTMLAnchorElement;
  const image = () => props.entry.type === 'file' && isImageName(props.entry.name);
  const tooLarge = () => (props.entry.size ?? 0) > SIZE_LIMITS.image;
  const [url, setUrl] = createSignal<string | null>(null);
  const [thumb, setThumb] = createSignal<Thumbnail | null>(null);
  const [failure, setFailure] = createSignal<string | null>(null);
  let loading: AbortController | null = null;
  const [waiting, setWaiting] = createSignal(false);

  const show = (t: Thumbnail) => {
    setThumb(t);
    setUrl(URL.createObjectURL(t.blob));
  };
  // Out of view: stop waiting for the bytes, and give the object URL back.
  const hide = () => {
    loading?.abort();
    loading = null;
    setWaiting(false);
    const u = url();
    if (u) URL.revokeObjectURL(u);
    setUrl(null);
  };
  const load = () => {
    if (url() || loading || !image() || tooLarge()) return;
    const key = entryKey(props.entry);
    const had = keptThumbnail(key);
    if (had) return show(had);
    const controller = new AbortController();
    loading = controller;
    setWaiting(true);
    setFailure(null);
    thumbnailOf(key, props.entry.name, (signal) => entryBytes(props.session, props.entry, signal), controller.signal)
      .then((t) => {
        if (loading === controller) show(t);
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setFailure((error as Error).message ?? String(error));
      })
      .finally(() => {
        if (loading === controller) loading = null;
        setWaiting(false);
      });
  };
  onMount(() => {
    const observer = new IntersectionObserver((records) => (records.at(-1)?.isIntersecting ? load() : hide()), {
      rootMargin: '150px 0px',
    });
    observer.observe(box);
    onCleanup(() => {
      observer.disconnect();
      hide();
    });
  });
  const title = () => {
    const t = thumb();
    const dims = t?.width && t.height ? `${t.width} × ${t.height} · ` : '';
    return `${props.entry.name}\n${dims}${formatSize(props.entry.size)}`;
  };
  return (
    <A
      ref={box}
      class="gallery-tile"
      href={props.href}
      title={title()}
      data-testid="gallery-tile"
      data-name={props.entry.name}
      data-kind={props.entry.type}
      data-loading={waiting() ? '' : undefined}
    >
      <span class="gallery-thumb">
        <Show
          when={url()}
          fallback={
            <span class="gallery-placeholder" aria-hidden={!failure()}>
              {props.entry.type === 'folder'
                ? folderIcon()
                : failure()
                  ? 'Not available'
                  : tooLarge()
                    ? 'Large image'
                    : image()
                      ? ''
                      : extensionOf(props.entry.name).toUpperCase() || 'FILE'}
            </span>
          }
        >
          {(u) => (
            <img
              src={u()}
              alt=""
              decoding="async"
              // A small image (a 64 px mask) enlarged to the tile keeps its hard pixel edges.
              classList={{ pixelated: (thumb()?.width ?? Number.POSITIVE_INFINITY) <= 128 }}
              data-testid="gallery-thumb"
            />
          )}
        </Show>
      </span>
      <span class="gallery-name">
        {props.entry.name}
        <Show when={props.entry.type === 'folder'}>
          <span class="muted"> · {countAndSize(props.entry.nfiles, '')}</span>
        </Show>
      </span>
    </A>
  );
}

export function Gallery(props: { session: RepoSession; rev: string; entries: BrowseEntry[] }) {
  const { owner, repo } = props.session.handle;
  let host!: HTMLDivElement;
  const [width, setWidth] = createSignal(800);
  const [top, setTop] = createSignal(0);
  const layout = createMemo(() => galleryColumns(width()));
  const rowHeight = () => layout().tile + NAME_HEIGHT + GAP;
  const rows = () => Math.ceil(props.entries.length / layout().columns);
  const virtualizer = createWindowVirtualizer({
    get count() {
      return rows();
    },
    estimateSize: () => rowHeight(),
    overscan: 2,
    get scrollMargin() {
      return top();
    },
  });
  createEffect(() => {
    rowHeight();
    virtualizer.measure();
  });
  onMount(() => {
    const measure = () => {
      setWidth(host.clientWidth);
      setTop(host.getBoundingClientRect().top + window.scrollY);
    };
    const observer = new ResizeObserver(measure);
    observer.observe(host);
    measure();
    onCleanup(() => observer.disconnect());
  });
  const href = (e: BrowseEntry) =>
    e.type === 'folder'
      ? `${treeUrl(owner, repo, props.rev, e.path)}?view=gallery`
      : blobUrl(owner, repo, props.rev, e.path);
  return (
    <div class="gallery" ref={host} data-testid="gallery" style={{ height: `${virtualizer.getTotalSize()}px` }}>
      <For each={virtualizer.getVirtualItems()}>
        {(row) => (
          <div
            class="gallery-row"
            style={{
              transform: `translateY(${row.start - top()}px)`,
              'grid-template-columns': `repeat(${layout().columns}, minmax(0, 1fr))`,
              height: `${layout().tile + NAME_HEIGHT}px`,
            }}
          >
            <For each={props.entries.slice(row.index * layout().columns, (row.index + 1) * layout().columns)}>
              {(e) => <Tile session={props.session} entry={e} href={href(e)} />}
            </For>
          </div>
        )}
      </For>
    </div>
  );
}
