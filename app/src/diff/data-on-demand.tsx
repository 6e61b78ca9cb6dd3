/**
 * DVC data in a diff, on demand: which versions of a tracked file (or which `.dir` file lists)
 * are not in this device's data cache, and a "Fetch both versions" button that brings them from
 * the repository's DVC remote through the files' data fetch (streamed, verified against the
 * hash, kept only when it matches). Offline, or with no repository to fetch from, it says which
 * version is missing instead. The repository handle comes from the change list's context.
 */
import type { HashAlgorithm } from '@cairn/core/hash';
import { createContext, createResource, createSignal, type JSX, onCleanup, Show, useContext } from 'solid-js';
import { DataFetchError, ensureDataObject } from '../files/data-fetch.ts';
import { valueNow } from '../files/ready.ts';
import { getBlobStore, objectId } from '../storage/blobs.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { isOnline } from '../sync/connectivity.ts';
import { formatSize } from '../viewers/view-file.ts';

/** The open repository, for fetching data (absent where nothing may be fetched). */
export const DataHandleContext = createContext<RepoHandle | undefined>();

export interface DataSide {
  side: 'old' | 'new';
  md5: string | null;
}

/**
 * Shows `children` once every given version is in the data cache; until then names the missing
 * ones and offers to fetch them.
 */
/** The "Fetch both versions" button for objects not in the cache, with progress and errors. */
export function FetchMissing(props: {
  algorithm: HashAlgorithm;
  md5s: string[];
  /** How many versions the diff has (the label says "both" for two). */
  count: number;
  what: string;
  onDone: () => void;
}) {
  const handle = useContext(DataHandleContext);
  const [busy, setBusy] = createSignal(false);
  const [loaded, setLoaded] = createSignal(0);
  const [error, setError] = createSignal<string | null>(null);
  const fetchAll = async () => {
    if (!handle) return;
    setBusy(true);
    setError(null);
    try {
      const done = new Map<string, number>();
      for (const md5 of props.md5s) {
        await ensureDataObject(handle, md5, props.algorithm === 'md5-dos2unix', (p) => {
          done.set(md5, p.loaded);
          setLoaded([...done.values()].reduce((a, b) => a + b, 0));
        });
      }
      props.onDone();
    } catch (e) {
      setError(e instanceof DataFetchError ? e.message : `The data could not be fetched: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Show
        when={handle && isOnline()}
        fallback={
          <p class="diff-note muted" data-testid="data-offline">
            {handle ? 'Offline: connect to fetch it.' : 'It cannot be fetched from this page.'}
          </p>
        }
      >
        <p class="diff-note">
          <button type="button" class="button" data-testid="fetch-both" disabled={busy()} onClick={fetchAll}>
            {props.count > 1 ? 'Fetch both versions' : `Fetch the ${props.what}`}
          </button>{' '}
          <Show when={busy()}>
            <span class="muted" data-testid="fetch-progress">
              fetching… {formatSize(loaded())}
            </span>
          </Show>
        </p>
      </Show>
      <Show when={error()}>
        <p class="notice error" role="alert" data-testid="fetch-error">
          {error()}
        </p>
      </Show>
    </>
  );
}

/**
 * Shows `children` once every given version is in the data cache; until then names the missing
 * ones and offers to fetch them.
 */
export function OnDevice(props: {
  algorithm: HashAlgorithm;
  sides: DataSide[];
  /** What the objects are, for the message: "version", "file list". */
  what: string;
  children: JSX.Element;
}) {
  const [missing, { refetch }] = createResource(
    () => props.sides,
    async (sides) => {
      const store = getBlobStore();
      const out: { side: string; md5: string }[] = [];
      for (const s of sides)
        if (s.md5 && !(await store.has(objectId(props.algorithm, s.md5)))) out.push({ side: s.side, md5: s.md5 });
      return out;
    },
  );
  return (
    <Show
      when={valueNow(missing)?.length === 0}
      fallback={
        <Show when={valueNow(missing)}>
          {(list) => (
            <div class="data-missing" data-testid="data-not-on-device">
              <p class="diff-note">
                {list()
                  .map((m) => `The ${m.side} ${props.what} (md5 ${m.md5.slice(0, 8)}…) is not on this device.`)
                  .join(' ')}
              </p>
              <FetchMissing
                algorithm={props.algorithm}
                md5s={list().map((m) => m.md5)}
                count={props.sides.filter((s) => s.md5).length}
                what={props.what}
                onDone={refetch}
              />
            </div>
          )}
        </Show>
      }
    >
      {props.children}
    </Show>
  );
}
