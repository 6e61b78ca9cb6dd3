import { A, useParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { PushAccess } from '../connect/PushAccess.tsx';
import '../repos/repos.css';
import { formatBytes } from '../storage/persistence.ts';
import type { AddProgress, AddResult, AddTarget } from './add-data.ts';
import { type Picked, pickedFromDrop, pickedFromInput } from './dropped-files.ts';

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '…';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

const sizeOf = (p: Picked) => (p.kind === 'file' ? p.file.size : p.files.reduce((n, f) => n + f.file.size, 0));

/** Adding data to a repository: drop or pick files or folders, write a message, commit. */
export default function AddDataPage() {
  const params = useParams<{ owner: string; repo: string }>();
  const [handle] = createResource(
    () => ({ owner: params.owner, repo: params.repo }),
    async ({ owner, repo }) => (await import('../repos/actions.ts')).ensureRepo(owner, repo),
  );
  const [picked, setPicked] = createSignal<Picked[]>([]);
  const [folder, setFolder] = createSignal('data');
  const [message, setMessage] = createSignal('');
  const [over, setOver] = createSignal(false);
  const [progress, setProgress] = createSignal<AddProgress | null>(null);
  const [result, setResult] = createSignal<AddResult | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [controller, setController] = createSignal<AbortController | null>(null);

  const defaultMessage = () =>
    `Add ${picked()
      .map((p) => p.name)
      .join(', ')}`;
  // The repository this page is about now: after "Copy to my account" the page moves to the
  // copy's URL and keeps what was picked, and the old handle must not take the commit meanwhile.
  const current = () => {
    const h = handle.state === 'ready' ? handle() : undefined;
    return h && h.owner === params.owner && h.repo === params.repo ? h : undefined;
  };
  const addAll = async () => {
    const h = current();
    if (!h || picked().length === 0) return;
    setError(null);
    setResult(null);
    const abort = new AbortController();
    setController(abort);
    const base = folder()
      .trim()
      .replace(/^\/+|\/+$/g, '');
    const targets: AddTarget[] = picked().map((p) => {
      const path = base ? `${base}/${p.name}` : p.name;
      return p.kind === 'file' ? { kind: 'file', path, file: p.file } : { kind: 'folder', path, files: p.files };
    });
    try {
      const { addData } = await import('./add-data.ts');
      const done = await addData(h, targets, message().trim() || defaultMessage(), {
        onProgress: setProgress,
        signal: abort.signal,
      });
      setResult(done);
      setPicked([]);
      setMessage('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setController(null);
      setProgress(null);
    }
  };

  return (
    <section class="page">
      <h1>
        Add data to{' '}
        <A href={`/${params.owner}/${params.repo}`} data-testid="add-data-repo">
          {params.owner}/{params.repo}
        </A>
      </h1>
      <Show when={handle.error}>
        <p class="error" role="alert">
          {(handle.error as Error).message}
        </p>
      </Show>
      <Show when={handle.state === 'ready' && handle()}>
        {/* The copy opens on its own add-data page: the same step, where a push will succeed. */}
        {(h) => <PushAccess handle={h()} openCopy={(c) => `/${c.owner}/${c.name}/add-data`} />}
      </Show>
      <section
        aria-label="Drop files or folders to add"
        class="drop-zone"
        classList={{ over: over() }}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (e.dataTransfer) void pickedFromDrop(e.dataTransfer).then((p) => setPicked([...picked(), ...p]));
        }}
      >
        <p>Drop files or folders here, or</p>
        <label class="button">
          Pick files
          <input
            type="file"
            multiple
            hidden
            data-testid="pick-files"
            onChange={(e) => setPicked([...picked(), ...pickedFromInput(e.currentTarget.files ?? [])])}
          />
        </label>{' '}
        <label class="button">
          Pick a folder
          <input
            type="file"
            hidden
            {...{ webkitdirectory: true }}
            data-testid="pick-folder"
            onChange={(e) => setPicked([...picked(), ...pickedFromInput(e.currentTarget.files ?? [])])}
          />
        </label>
      </section>
      <Show when={picked().length > 0}>
        <ul data-testid="picked-list">
          <For each={picked()}>
            {(p) => (
              <li>
                {p.name}
                {p.kind === 'folder' ? `/ (${p.files.length} files` : ' ('}
                {p.kind === 'folder' ? ', ' : ''}
                {formatBytes(sizeOf(p))})
              </li>
            )}
          </For>
        </ul>
      </Show>
      <form
        class="stack"
        style={{ 'max-width': '640px', 'margin-top': '12px' }}
        onSubmit={(e) => {
          e.preventDefault();
          void addAll();
        }}
      >
        <label>
          Into folder{' '}
          <input
            type="text"
            value={folder()}
            onInput={(e) => setFolder(e.currentTarget.value)}
            data-testid="add-folder"
          />
        </label>
        <textarea
          rows="3"
          placeholder={picked().length ? defaultMessage() : 'Commit message'}
          value={message()}
          onInput={(e) => setMessage(e.currentTarget.value)}
          data-testid="add-message"
        />
        <div>
          <button
            type="submit"
            class="button primary"
            disabled={!current() || picked().length === 0 || controller() !== null}
            data-testid="add-submit"
          >
            Add and commit
          </button>{' '}
          <Show when={controller()}>
            <button type="button" class="button" onClick={() => controller()?.abort()} data-testid="add-cancel">
              Cancel
            </button>
          </Show>
        </div>
      </form>
      <Show when={progress()}>
        {(p) => (
          <div role="status" data-testid="add-progress">
            <progress max={p().bytesTotal || 1} value={p().bytesDone} />
            <span>
              {p().phase === 'committing'
                ? 'Committing…'
                : `${formatBytes(p().bytesDone)} of ${formatBytes(p().bytesTotal)} · ${formatBytes(p().rate)}/s · ${formatEta(p().etaSeconds)} left`}
            </span>
          </div>
        )}
      </Show>
      <Show when={error()}>
        <p class="error" role="alert" data-testid="add-error">
          {error()}
        </p>
      </Show>
      <Show when={result()}>
        {(r) => (
          <p role="status" data-testid="add-done">
            Saved on this device in commit <code>{r().commit.slice(0, 7)}</code>:{' '}
            <For each={r().outs}>
              {(o) => (
                <A
                  href={`/${params.owner}/${params.repo}/tree/HEAD/${o.dvcPath.replace(/\.dvc$/, '')}`}
                  data-oid={o.oid}
                >
                  {o.dvcPath.replace(/\.dvc$/, '')}{' '}
                </A>
              )}
            </For>
          </p>
        )}
      </Show>
    </section>
  );
}
