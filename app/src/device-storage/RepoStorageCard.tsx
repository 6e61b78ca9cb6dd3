/**
 * One repository on the storage page: what it keeps here, and its two ways to free space, each
 * in two steps (look, then confirm) with progress while it works.
 */
import { A } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, Match, on, Show, Switch } from 'solid-js';
import { formatBytes } from '../storage/persistence.ts';
import type { UnsyncedWork } from './device-copy.ts';
import type { RepoStorage } from './device-scan.ts';
import type { DropPlan } from './drop-plan.ts';
import { onlyHereWarning } from './drop-plan.ts';
import type { FreeProgress } from './free-space.ts';
import { countOf } from './size-estimate.ts';
import { lossWords } from './unsynced-words.ts';

const STATE_LABEL: Record<RepoStorage['row']['syncState'], string> = {
  'local-only': 'On this device only',
  'up-to-date': 'Synced',
  pending: 'Waiting to sync',
  syncing: 'Syncing…',
  'needs-attention': 'Needs attention',
  gone: 'Gone from the server',
};

type Step =
  | { kind: 'idle' }
  | { kind: 'working'; progress: FreeProgress }
  | { kind: 'free-plan'; plan: DropPlan }
  | { kind: 'remove-check'; work: UnsyncedWork }
  | { kind: 'done'; message: string }
  | { kind: 'error'; message: string };

export function RepoStorageCard(props: { storage: RepoStorage; onChanged: () => void }) {
  const [step, setStep] = createSignal<Step>({ kind: 'idle' });
  const r = () => props.storage;
  // A memo: it notifies only when the name changes, not on every rescan.
  const id = createMemo(() => r().row.id);
  // The page reuses cards by position: a card that now shows another repository starts afresh.
  createEffect(on(id, () => setStep({ kind: 'idle' }), { defer: true }));
  const busy = () => step().kind === 'working';
  const working = (p: FreeProgress) => setStep({ kind: 'working', progress: p });
  const fail = (error: unknown) => setStep({ kind: 'error', message: (error as Error)?.message ?? String(error) });

  const planFree = async () => {
    working({ step: 'Looking at the cached data', done: 0, total: 1 });
    try {
      const { planFreeing } = await import('./free-space.ts');
      setStep({ kind: 'free-plan', plan: await planFreeing(r().row, working) });
    } catch (error) {
      fail(error);
    }
  };
  const drop = async (plan: DropPlan) => {
    try {
      const { dropObjects } = await import('./free-space.ts');
      const freed = await dropObjects(plan.drop, working);
      const warning = onlyHereWarning(plan.keep);
      setStep({
        kind: 'done',
        message: `Freed ${formatBytes(freed)}: ${countOf(plan.drop.length, 'file')} the server has${warning ? `. Kept: ${warning}` : '.'}`,
      });
      props.onChanged();
    } catch (error) {
      fail(error);
    }
  };
  const checkRemove = async () => {
    working({ step: 'Looking for work not yet synced', done: 0, total: 1 });
    try {
      const { unsyncedWork } = await import('./device-copy.ts');
      setStep({ kind: 'remove-check', work: await unsyncedWork(r().row) });
    } catch (error) {
      fail(error);
    }
  };
  const remove = async () => {
    working({ step: `Removing ${id()} from this device`, done: 0, total: 1 });
    try {
      const { removeDeviceCopy } = await import('./device-copy.ts');
      await removeDeviceCopy(r().row.owner, r().row.repo);
      props.onChanged();
    } catch (error) {
      fail(error);
    }
  };

  return (
    <li class="storage-repo panel" data-testid="storage-repo" data-repo={id()}>
      <div class="storage-repo-head">
        <A href={`/${r().row.owner}/${r().row.repo}`} class="storage-repo-name">
          {id()}
        </A>
        <span class="sync-state" data-state={r().row.syncState}>
          {STATE_LABEL[r().row.syncState]}
        </span>
        <span class="storage-repo-total" data-testid="storage-repo-total">
          {formatBytes(r().gitBytes + r().data.bytes + r().runs.bytes + r().notes.bytes)}
        </span>
      </div>
      <dl class="storage-parts">
        <div>
          <dt>Git history and files</dt>
          <dd data-testid="storage-git">{formatBytes(r().gitBytes)}</dd>
        </div>
        <div>
          <dt>Data cache</dt>
          <dd data-testid="storage-data" data-bytes={r().data.bytes}>
            {formatBytes(r().data.bytes)}{' '}
            <span class="muted">
              ({r().data.objects.length} of {countOf(r().data.referenced, 'object')} here)
            </span>
          </dd>
        </div>
        <div>
          <dt>Experiments</dt>
          <dd data-testid="storage-runs">
            {r().runs.bytes > 0 ? '≈ ' : ''}
            {formatBytes(r().runs.bytes)} <span class="muted">({countOf(r().runs.count, 'run')})</span>
          </dd>
        </div>
        <div>
          <dt>Live notes</dt>
          <dd data-testid="storage-notes">
            {formatBytes(r().notes.bytes)} <span class="muted">({countOf(r().notes.count, 'note')})</span>
            <Show when={r().notes.pending.length > 0}>
              {' '}
              <span class="pill warn">{r().notes.pending.length} waiting to sync</span>
            </Show>
          </dd>
        </div>
      </dl>
      <div class="storage-actions">
        <button
          type="button"
          class="button"
          disabled={busy() || !r().row.server || r().data.objects.length === 0}
          title={
            r().row.server
              ? 'Drop cached data the server has; it is downloaded again when opened'
              : 'This repository has no server'
          }
          onClick={() => void planFree()}
        >
          Free cached data
        </button>
        <button type="button" class="button danger" disabled={busy()} onClick={() => void checkRemove()}>
          Remove from this device
        </button>
      </div>
      <Switch>
        <Match when={step().kind === 'working' && (step() as Extract<Step, { kind: 'working' }>).progress}>
          {(p) => (
            <div class="storage-step" role="status" data-testid="storage-progress">
              <span>{p().step}…</span>
              <progress max={Math.max(1, p().total)} value={p().done} />
            </div>
          )}
        </Match>
        <Match when={step().kind === 'free-plan' && (step() as Extract<Step, { kind: 'free-plan' }>).plan}>
          {(plan) => (
            <div class="storage-step" data-testid="free-plan">
              <Show
                when={plan().drop.length > 0}
                fallback={<p>Nothing to drop: the server does not have any of this repository's cached files yet.</p>}
              >
                <p>
                  Drop <strong>{countOf(plan().drop.length, 'file')}</strong> ({formatBytes(plan().dropBytes)}) that the
                  server has? {plan().drop.length === 1 ? 'It is' : 'They are'} downloaded again when you open{' '}
                  {plan().drop.length === 1 ? 'it' : 'them'}.
                </p>
              </Show>
              <Show when={onlyHereWarning(plan().keep)}>
                {(warning) => (
                  <p class="storage-warning" role="alert" data-testid="only-here-warning">
                    {warning()} {plan().onlyHere.length === 1 ? 'It is' : 'They are'} kept until synced.
                  </p>
                )}
              </Show>
              <div class="storage-actions">
                <Show when={plan().drop.length > 0}>
                  <button type="button" class="button primary" onClick={() => void drop(plan())}>
                    Drop {formatBytes(plan().dropBytes)}
                  </button>
                </Show>
                <button type="button" class="button" onClick={() => setStep({ kind: 'idle' })}>
                  Cancel
                </button>
              </div>
            </div>
          )}
        </Match>
        <Match when={step().kind === 'remove-check' && (step() as Extract<Step, { kind: 'remove-check' }>).work}>
          {(work) => (
            <div class="storage-step" data-testid="remove-check">
              <Show
                when={lossWords(work()).length > 0}
                fallback={
                  <p>
                    Everything of {id()} is on the server. Removing it frees{' '}
                    {formatBytes(r().gitBytes + r().data.bytes + r().runs.bytes + r().notes.bytes)}; opening it again
                    downloads it.
                  </p>
                }
              >
                <div class="storage-warning" role="alert" data-testid="remove-warning">
                  <p>Removing {id()} from this device loses work that exists only here:</p>
                  <ul>
                    <For each={lossWords(work())}>{(line) => <li>{line}</li>}</For>
                  </ul>
                </div>
              </Show>
              <div class="storage-actions">
                <button type="button" class="button danger-solid" onClick={() => void remove()}>
                  {lossWords(work()).length > 0 ? 'Remove and lose this work' : 'Remove from this device'}
                </button>
                <button type="button" class="button" onClick={() => setStep({ kind: 'idle' })}>
                  Cancel
                </button>
              </div>
            </div>
          )}
        </Match>
        <Match when={step().kind === 'done' && (step() as Extract<Step, { kind: 'done' }>).message}>
          {(message) => (
            <p class="storage-step" role="status" data-testid="storage-done">
              {message()}
            </p>
          )}
        </Match>
        <Match when={step().kind === 'error' && (step() as Extract<Step, { kind: 'error' }>).message}>
          {(message) => (
            <p class="storage-step error" role="alert" data-testid="storage-error">
              {message()}
            </p>
          )}
        </Match>
      </Switch>
    </li>
  );
}
