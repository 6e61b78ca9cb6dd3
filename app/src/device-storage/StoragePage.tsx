/**
 * `/storage`: what this device keeps, per repository, and ways to free space — like a browser's
 * site-data page, but one that knows what is safe to drop. Cached data goes only when the
 * server confirms it has it; what exists only here is named and kept. Removing a repository
 * names the work it would lose before it is confirmed.
 */
import { A } from '@solidjs/router';
import { createSignal, Index, onCleanup, Show } from 'solid-js';
import { blobStoreKind, type OpfsMoveState, startOpfsMove, watchOpfsMove } from '../storage/blobs.ts';
import { formatBytes, requestPersistence } from '../storage/persistence.ts';
import '../repos/repos.css';
import { type DeviceStorage, type RepoStorage, type ScanProgress, scanDevice } from './device-scan.ts';
import { RepoStorageCard } from './RepoStorageCard.tsx';
import { countOf } from './size-estimate.ts';
import './storage.css';

function UsageMeter(props: { usage: number | null; quota: number | null }) {
  const share = () => (props.usage !== null && props.quota ? Math.min(1, props.usage / props.quota) : null);
  return (
    <div class="usage-meter" data-testid="storage-usage">
      <div class="usage-bar" aria-hidden="true">
        <span style={{ width: `${Math.max(0.5, (share() ?? 0) * 100)}%` }} />
      </div>
      <span>
        <strong>{props.usage !== null ? formatBytes(props.usage) : '?'}</strong> used of{' '}
        {props.quota !== null ? formatBytes(props.quota) : '?'} this browser allows
      </span>
    </div>
  );
}

function Totals(props: { device: DeviceStorage }) {
  const sum = (pick: (r: RepoStorage) => number) => props.device.repos.reduce((n, r) => n + pick(r), 0);
  return (
    <dl class="storage-totals">
      <div>
        <dt>Git history and files</dt>
        <dd>{formatBytes(sum((r) => r.gitBytes))}</dd>
      </div>
      <div>
        <dt>Data cache</dt>
        <dd>
          {formatBytes(props.device.dataCache.bytes)}{' '}
          <span class="muted">({countOf(props.device.dataCache.count, 'object')})</span>
        </dd>
      </div>
      <div>
        <dt>Experiments</dt>
        <dd>
          {sum((r) => r.runs.bytes) > 0 ? '≈ ' : ''}
          {formatBytes(sum((r) => r.runs.bytes))}{' '}
          <span class="muted">
            (
            {countOf(
              sum((r) => r.runs.count),
              'run',
            )}
            )
          </span>
        </dd>
      </div>
      <div>
        <dt>Live notes</dt>
        <dd>
          {formatBytes(sum((r) => r.notes.bytes))}{' '}
          <span class="muted">
            (
            {countOf(
              sum((r) => r.notes.count),
              'note',
            )}
            )
          </span>
        </dd>
      </div>
    </dl>
  );
}

/** Where the data cache keeps its bytes, and how far moving an older IndexedDB cache has got. */
function CacheBackendNote() {
  const [move, setMove] = createSignal<OpfsMoveState>({ state: 'idle' });
  startOpfsMove();
  onCleanup(watchOpfsMove(setMove));
  const kind = () =>
    blobStoreKind() === 'opfs' &&
    !(move().state === 'skipped' && (move() as { reason: string }).reason === 'unsupported')
      ? 'opfs'
      : 'indexeddb';
  return (
    <p class="muted cache-backend" data-testid="storage-cache-backend" data-backend={kind()}>
      <Show
        when={kind() === 'opfs'}
        fallback={
          <>
            Data files are kept in IndexedDB: this browser cannot write files to its private file system (OPFS) from a
            worker, which is faster for large data.
          </>
        }
      >
        Data files are kept in the browser's private file system (OPFS).
        {(() => {
          const m = move();
          if (m.state === 'moving' && m.progress.total > 0)
            return ` Moving ${m.progress.total} objects cached earlier out of IndexedDB: ${m.progress.done} done (${formatBytes(m.progress.bytes)}).`;
          if (m.state === 'failed')
            return ` Moving objects cached earlier out of IndexedDB stopped: ${m.message} They stay readable where they are.`;
          return '';
        })()}
      </Show>
    </p>
  );
}

export default function StoragePage() {
  const [progress, setProgress] = createSignal<ScanProgress | null>(null);
  const [device, setDevice] = createSignal<DeviceStorage | null>(null);
  const [failed, setFailed] = createSignal<string | null>(null);
  const [asked, setAsked] = createSignal<boolean | null>(null);
  // Syncs announce every state change: scans run one at a time, and changes during a scan
  // cause one more. The shown figures stay until the new ones are ready (no flashing page).
  let scanning = false;
  let again = false;
  const refetch = async () => {
    if (scanning) {
      again = true;
      return;
    }
    scanning = true;
    try {
      do {
        again = false;
        setDevice(await scanDevice(device() ? undefined : setProgress));
        setFailed(null);
      } while (again);
    } catch (error) {
      setFailed((error as Error)?.message ?? String(error));
    } finally {
      scanning = false;
    }
  };
  void refetch();
  const changed = () => void refetch();
  window.addEventListener('cairn:repos-changed', changed);
  onCleanup(() => window.removeEventListener('cairn:repos-changed', changed));

  return (
    <section class="page storage-page">
      <h1>Storage on this device</h1>
      <p class="muted intro">
        What this browser keeps for each repository, so it works offline. Data the server has can be dropped here and is
        downloaded again when you open it; anything that exists only on this device is named before it could be lost.
      </p>
      <Show when={failed()}>
        <p class="error" role="alert" data-testid="storage-scan-error">
          This device's storage could not be measured: {failed()}
        </p>
      </Show>
      <Show
        when={device()}
        fallback={
          <div class="panel" role="status" data-testid="storage-scanning">
            Measuring{progress()?.current ? ` ${progress()?.current}` : ''}…
            <Show when={progress()}>{(p) => <progress max={Math.max(1, p().total)} value={p().done} />}</Show>
          </div>
        }
      >
        {(d) => (
          <>
            <section class="panel storage-summary" aria-label="Summary">
              <UsageMeter usage={d().usage} quota={d().quota} />
              <p class="persistence" data-testid="storage-persisted" data-persisted={String(d().persisted)}>
                <Show
                  when={d().persisted === true}
                  fallback={
                    <>
                      <span class="pill warn">Best effort</span> The browser may clear this site's data when the disk
                      runs low. Work that is synced survives on the server.{' '}
                      <Show when={d().persisted === false && asked() !== false}>
                        <button
                          type="button"
                          class="link-button"
                          onClick={() =>
                            void requestPersistence().then((ok) => {
                              setAsked(ok === true);
                              void refetch();
                            })
                          }
                        >
                          Ask to keep it
                        </button>
                      </Show>
                      <Show when={asked() === false}>
                        <span class="muted">The browser said no (it decides by how often you use this site).</span>
                      </Show>
                    </>
                  }
                >
                  <span class="pill ok">Persistent</span> The browser will not clear this data on its own.
                </Show>
              </p>
              <Totals device={d()} />
              <CacheBackendNote />
            </section>

            <h2 class="storage-heading">Repositories</h2>
            <Show
              when={d().repos.length > 0}
              fallback={
                <p class="muted" data-testid="storage-empty">
                  No repositories on this device. <A href="/">Open or clone one</A>.
                </p>
              }
            >
              <ul class="storage-repos" data-testid="storage-repos">
                {/* Index, not For: a card keeps its open step while a rescan replaces the figures. */}
                <Index each={d().repos}>{(r) => <RepoStorageCard storage={r()} onChanged={changed} />}</Index>
              </ul>
            </Show>
            <Show when={d().otherData.count > 0}>
              <p class="muted other-data" data-testid="storage-other-data">
                {formatBytes(d().otherData.bytes)} of cached data ({countOf(d().otherData.count, 'object')}) is not used
                by the current commit of any repository here: older versions, or repositories already removed. It is
                kept, since it may not be on a server.
              </p>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
