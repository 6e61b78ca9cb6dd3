/**
 * Tracked data that may not be on this device yet: checks the data cache, fetches the one object
 * needed from the server with progress when online, and says plainly when it cannot (offline,
 * or not on the server). Retries by itself when the network comes back.
 */
import { createResource, createSignal, type JSX, Match, onCleanup, Show, Switch } from 'solid-js';
import { dataObjectId, getBlobStore } from '../storage/blobs.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { formatSize } from '../viewers/view-file.ts';
import { DataFetchError, ensureDataObject, type FetchProgress } from './data-fetch.ts';

export function DataFetch<T>(props: {
  handle: RepoHandle;
  oid: string;
  legacy: boolean;
  size: number | null;
  what: string;
  /** Runs once the object is on this device. */
  load: () => Promise<T>;
  children: (value: T) => JSX.Element;
}) {
  const [progress, setProgress] = createSignal<FetchProgress | null>(null);
  const controller = new AbortController();
  onCleanup(() => controller.abort());
  const [value, { refetch }] = createResource(
    () => props.oid,
    async (oid) => {
      if (!(await getBlobStore().has(dataObjectId(oid, props.legacy)))) {
        await ensureDataObject(props.handle, oid, props.legacy, setProgress, controller.signal);
      }
      return props.load();
    },
  );
  const retry = () => value.error && refetch();
  window.addEventListener('online', retry);
  onCleanup(() => window.removeEventListener('online', retry));
  const error = () => value.error as unknown;
  return (
    <Switch>
      <Match when={error()}>
        <div class="notice" role="alert" data-testid="data-missing">
          <p>
            <strong>
              {error() instanceof DataFetchError
                ? (error() as DataFetchError).message
                : `The ${props.what} could not be opened.`}
            </strong>
          </p>
          <Show when={!(error() instanceof DataFetchError)}>
            <p class="muted">{String((error() as Error)?.message ?? error())}</p>
          </Show>
          <p class="muted">
            {props.what} · {formatSize(props.size)} · <code>{props.oid}</code>
          </p>
          <button type="button" class="button" onClick={() => refetch()}>
            Try again
          </button>
        </div>
      </Match>
      <Match when={value.loading}>
        <div class="notice" data-testid="data-fetching">
          <Show when={progress()} fallback={<p class="muted">Opening the {props.what}…</p>}>
            {(p) => (
              <>
                <p>
                  Fetching the {props.what} from the server: {formatSize(p().loaded)}
                  <Show when={p().total ?? props.size}>{(t) => <> of {formatSize(t())}</>}</Show>
                </p>
                <progress max={p().total ?? props.size ?? undefined} value={p().loaded} />
              </>
            )}
          </Show>
        </div>
      </Match>
      <Match when={value.state === 'ready'}>{props.children(value() as T)}</Match>
    </Switch>
  );
}
