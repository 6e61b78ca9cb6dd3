/**
 * The artifacts of an MLflow run on its run page: a tree read through the repository's MLflow
 * endpoint one folder at a time (folders open on demand, as MLflow's own UI does), every file
 * downloadable with this device's token. Artifacts live on the server only: offline, it says so.
 */
import { createResource, createSignal, For, Show } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import { type ArtifactEntry, downloadArtifact, listArtifacts } from './server-runs.ts';

interface Props {
  server: string;
  repo: string;
  runId: string;
  artifactUri: string;
}

export function RunArtifacts(props: Props) {
  const [error, setError] = createSignal<string | null>(null);
  const download = (file: string) =>
    downloadArtifact(props.server, props.repo, props.artifactUri, file).catch((err: unknown) =>
      setError(`Could not download ${file}: ${err instanceof Error ? err.message : String(err)}`),
    );
  return (
    <section data-testid="run-artifacts">
      <h3>Artifacts</h3>
      <Show when={navigator.onLine} fallback={<p>Artifacts are on the server: connect to list them.</p>}>
        <ArtifactFolder {...props} path="" download={download} />
      </Show>
      <Show when={error()}>
        {(e) => (
          <p class="exp-note" role="alert">
            {e()}
          </p>
        )}
      </Show>
    </section>
  );
}

function ArtifactFolder(props: Props & { path: string; download: (file: string) => void }) {
  const [entries] = createResource(
    () => [props.runId, props.path] as const,
    ([runId, path]) => listArtifacts(props.server, props.repo, runId, path),
  );
  return (
    <Show
      when={!entries.error}
      fallback={<p class="exp-note">Could not list artifacts: {String(entries.error?.message ?? entries.error)}</p>}
    >
      <Show when={valueNow(entries)} fallback={<p>Loading artifacts…</p>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p>{props.path ? 'Empty folder.' : 'No artifacts.'}</p>}>
            <ul class="run-artifacts">
              <For each={list()}>{(entry) => <ArtifactItem {...props} entry={entry} />}</For>
            </ul>
          </Show>
        )}
      </Show>
    </Show>
  );
}

function ArtifactItem(props: Props & { entry: ArtifactEntry; download: (file: string) => void }) {
  const [open, setOpen] = createSignal(false);
  // MLflow lists paths from the artifact root; show the last segment under its folder.
  const name = () => props.entry.path.split('/').pop() ?? props.entry.path;
  return (
    <li>
      <Show
        when={props.entry.isDir}
        fallback={
          <>
            {name()} ({props.entry.size ?? '?'} bytes){' '}
            <button
              type="button"
              aria-label={`Download ${props.entry.path}`}
              onClick={() => props.download(props.entry.path)}
            >
              Download
            </button>
          </>
        }
      >
        <button
          type="button"
          aria-label={`${open() ? 'Close' : 'Open'} ${props.entry.path}`}
          aria-expanded={open()}
          onClick={() => setOpen(!open())}
        >
          {open() ? '▾' : '▸'} {name()}/
        </button>
        <Show when={open()}>
          <ArtifactFolder {...props} path={props.entry.path} />
        </Show>
      </Show>
    </li>
  );
}
