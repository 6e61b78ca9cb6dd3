/**
 * Opens a file in the viewer its name, size and first bytes call for. Each viewer is its own
 * chunk, loaded when a file of its kind is opened (papaparse, marked, DOMPurify, highlight.js
 * never weigh on the first page).
 */
import { createMemo, createResource, lazy, Match, Show, Switch } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import { pickViewer, type ViewerKind } from './pick-viewer.ts';
import type { ViewFile } from './view-file.ts';
import './viewers.css';

const CodeViewer = lazy(() => import('./CodeViewer.tsx'));
const MarkdownViewer = lazy(() => import('./MarkdownViewer.tsx'));
const JsonViewer = lazy(() => import('./JsonViewer.tsx'));
const NotebookViewer = lazy(() => import('./NotebookViewer.tsx'));
const ImageViewer = lazy(() => import('./ImageViewer.tsx'));
const CsvViewer = lazy(() => import('./CsvViewer.tsx'));
const BinaryViewer = lazy(() => import('./BinaryViewer.tsx'));

/** The viewer component of a kind pickViewer names. */
function viewerOf(kind: ViewerKind) {
  switch (kind) {
    case 'csv':
    case 'tsv':
      return CsvViewer;
    case 'image':
      return ImageViewer;
    case 'binary':
    case 'large':
      return BinaryViewer;
    case 'markdown':
      return MarkdownViewer;
    case 'json':
      return JsonViewer;
    case 'notebook':
      return NotebookViewer;
    default:
      return CodeViewer;
  }
}

export function FileViewer(props: {
  file: ViewFile;
  /** A view the page keeps in its URL (`?view=chart` for a metrics.csv), and how to change it. */
  view?: string | undefined;
  onView?: ((view: string | undefined) => void) | undefined;
}) {
  const kind = createMemo(() => pickViewer(props.file.name, props.file.size, props.file.head));
  const needsText = () => ['code', 'markdown', 'json', 'notebook'].includes(kind());
  const [text, { refetch: readTextAgain }] = createResource(
    () => (needsText() ? props.file : null),
    async (file) => new TextDecoder().decode(await (await file.blob()).arrayBuffer()),
  );
  // The kind's viewer chunk, loaded before the viewer is drawn: a lazy component drawn before its
  // chunk is there suspends the Layout's boundary, which took the whole page away when a file was
  // opened from a link. Once loaded, the lazy component draws at once.
  const [chunk, { refetch: loadChunkAgain }] = createResource(kind, async (k) => {
    await viewerOf(k).preload();
    return k;
  });
  return (
    <div class="file-viewer" data-viewer={kind()}>
      {/* No Suspense boundary of its own (TargetNote has one): with one here, navigating into a
          repository hung in about half of e2e runs (the URL changed, the old page stayed, the
          router's transition never ended). A viewer's chunk is loaded before it is drawn (`chunk`
          above), so drawing it never suspends. */}
      <Switch>
        <Match when={chunk.error || text.error}>
          <div class="notice error" role="alert" data-testid="viewer-error">
            <p>
              This file could not be shown: {String((chunk.error ?? text.error)?.message ?? '')}. If you are offline and
              this kind of file was never opened here, its viewer is not on this device yet.
            </p>
            <button
              type="button"
              class="button"
              onClick={() => {
                if (chunk.error) void loadChunkAgain();
                if (text.error) void readTextAgain();
              }}
            >
              Try again
            </button>
          </div>
        </Match>
        <Match when={valueNow(chunk) !== kind()}>
          <p class="muted">Loading…</p>
        </Match>
        <Match when={kind() === 'csv' || kind() === 'tsv'}>
          <CsvViewer
            file={props.file}
            delimiter={kind() === 'tsv' ? '\t' : ','}
            view={props.view}
            onView={props.onView}
          />
        </Match>
        <Match when={kind() === 'image'}>
          <ImageViewer file={props.file} />
        </Match>
        <Match when={kind() === 'binary' || kind() === 'large'}>
          <BinaryViewer file={props.file} reason={kind() === 'binary' ? 'binary' : 'large'} />
        </Match>
        <Match when={needsText()}>
          <Show when={valueNow(text) !== undefined} fallback={<p class="muted">Loading…</p>}>
            <Switch>
              <Match when={kind() === 'markdown'}>
                <MarkdownViewer text={valueNow(text) ?? ''} />
              </Match>
              <Match when={kind() === 'json'}>
                <JsonViewer text={valueNow(text) ?? ''} name={props.file.name} />
              </Match>
              <Match when={kind() === 'notebook'}>
                <NotebookViewer text={valueNow(text) ?? ''} name={props.file.path} />
              </Match>
              <Match when={kind() === 'code'}>
                <CodeViewer text={valueNow(text) ?? ''} name={props.file.name} />
              </Match>
            </Switch>
          </Show>
        </Match>
      </Switch>
    </div>
  );
}
