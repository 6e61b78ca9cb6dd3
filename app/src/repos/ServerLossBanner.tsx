/**
 * The banner of a repository the server no longer takes (`serverLoss`, set by the sync engine):
 * what happened, in words, and the three ways out — push it again as a new repository (private
 * by default), keep it on this device only, or remove this device's copy (after a confirmation
 * that says it may be the last copy). Nothing is sent to the server until the user chooses.
 */
import { useNavigate } from '@solidjs/router';
import { createEffect, createSignal, Match, on, onCleanup, Show, Switch } from 'solid-js';
import type { RepoRow } from '../storage/db.ts';
import './repos.css';
import './server-loss.css';

type Step = 'choose' | 'push-form' | 'confirm-remove' | 'working';

export function ServerLossBanner(props: { owner: string; repo: string }) {
  const navigate = useNavigate();
  const id = () => `${props.owner}/${props.repo}`;
  // A signal, not a resource: a resource read here would hold the router's navigation.
  const [row, setRow] = createSignal<RepoRow | null>(null);
  const load = () => {
    const asked = id();
    void import('../storage/repo-handle.ts')
      .then((m) => m.getRepoRow(props.owner, props.repo))
      .then((r) => {
        if (asked === id()) setRow(r);
      });
  };
  createEffect(on(id, load));
  const changed = (event: Event) => {
    if ((event as CustomEvent).detail === id()) load();
  };
  globalThis.addEventListener('cairn:repos-changed', changed);
  onCleanup(() => globalThis.removeEventListener('cairn:repos-changed', changed));

  const [step, setStep] = createSignal<Step>('choose');
  const [working, setWorking] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal<string | null>(null);
  /** Puts back the choice just made, while its message shows ("Keep only on this device"). */
  const [undo, setUndo] = createSignal<(() => Promise<void>) | null>(null);
  createEffect(
    on(id, () => {
      setStep('choose');
      setDone(null);
      setUndo(null);
    }),
  );
  // The new repository is made under the signed-in account (the server's `POST /repos`).
  const [me, setMe] = createSignal<string | null>(null);
  const openPushForm = async () => {
    const [{ getCredentials }, { defaultServer }] = await Promise.all([
      import('../sync/credentials.ts'),
      import('../sync/api.ts'),
    ]);
    setMe((await getCredentials(row()?.server ?? defaultServer()))?.username ?? null);
    setStep('push-form');
  };
  let nameInput!: HTMLInputElement;
  let privateInput!: HTMLInputElement;

  const act = async (label: string, action: () => Promise<void>) => {
    setError(null);
    setWorking(label);
    setStep('working');
    try {
      await action();
    } catch (e) {
      setError((e as Error)?.message ?? String(e));
      setStep('choose');
    }
  };
  const pushAgain = () =>
    act(`Creating ${nameInput.value.trim()} on the server and pushing`, async () => {
      const { pushAgain: push } = await import('../sync/server-loss-actions.ts');
      const isPrivate = privateInput.checked;
      const to = await push(id(), { name: nameInput.value.trim(), private: isPrivate });
      setStep('choose');
      setUndo(null);
      setDone(
        `${to.owner}/${to.repo} is on the server again, ${isPrivate ? 'private' : 'public'}, and syncs as before.`,
      );
      if (`${to.owner}/${to.repo}` !== id()) navigate(`/${to.owner}/${to.repo}`, { replace: true });
    });
  const keep = () =>
    act('Keeping it on this device', async () => {
      const { keepOnDeviceOnly } = await import('../sync/server-loss-actions.ts');
      const restore = await keepOnDeviceOnly(id());
      setUndo(() => restore);
      setStep('choose');
      setDone(`${id()} is kept on this device only: it no longer syncs with the server.`);
    });
  const remove = () =>
    act(`Removing ${id()} from this device`, async () => {
      const { removeDeviceCopy } = await import('../device-storage/device-copy.ts');
      await removeDeviceCopy(props.owner, props.repo);
      navigate('/', { replace: true });
    });

  // Kept while an action works: pushing again clears the loss before its sync ends.
  const [kind, setKind] = createSignal<'not-found' | 'no-write'>('not-found');
  createEffect(() => {
    const loss = row()?.serverLoss;
    if (loss) setKind(loss.kind);
  });
  const notFound = () => kind() === 'not-found';
  return (
    <>
      <Show when={done() && !row()?.serverLoss}>
        <p class="server-loss-done" role="status" data-testid="server-loss-done">
          {done()}
          <Show when={undo()}>
            {(put) => (
              <button
                type="button"
                class="button server-loss-undo"
                onClick={() => {
                  const restore = put();
                  setDone(null);
                  setUndo(null);
                  void restore();
                }}
              >
                Undo
              </button>
            )}
          </Show>
        </p>
      </Show>
      {/* Shown while its action works: the push clears the loss before it syncs. */}
      <Show when={row()?.serverLoss || step() === 'working'}>
        <section class="server-loss" role="alert" data-testid="server-loss" data-kind={kind()}>
          <h2>
            {notFound() ? `${id()} is no longer on the server` : `The server no longer takes your changes to ${id()}`}
          </h2>
          <Show
            when={notFound()}
            fallback={
              <p>
                You can still read it, but pushes are refused: your access may have been lowered to read-only, or it now
                mirrors another repository. Commits made here stay on this device. Ask its owner for write access and
                sync again, or choose:
              </p>
            }
          >
            <p>
              The server has no repository <strong>{id()}</strong> that you can see: it was deleted (on another device
              or in the server's pages), renamed, or its owner stopped sharing it with you. This device's copy is
              untouched, and syncing it is paused so that nothing is created in its place. Choose what to do:
            </p>
          </Show>
          <Switch>
            <Match when={step() === 'choose'}>
              <div class="server-loss-choices">
                <button type="button" class="button primary" onClick={() => void openPushForm()}>
                  Push it again as a new repository
                </button>
                <button type="button" class="button" onClick={() => void keep()}>
                  Keep only on this device
                </button>
                <button type="button" class="button danger" onClick={() => setStep('confirm-remove')}>
                  Remove this device's copy
                </button>
              </div>
            </Match>
            <Match when={step() === 'push-form'}>
              <form
                class="server-loss-form"
                data-testid="push-again-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void pushAgain();
                }}
              >
                <Show when={!me()}>
                  <p class="error">Sign in to push it to the server: the new repository is made under your account.</p>
                </Show>
                <label>
                  New repository on the server
                  <span class="server-loss-name">
                    <span class="mono">{me() ?? '…'}/</span>
                    <input
                      ref={nameInput}
                      type="text"
                      value={props.repo}
                      required
                      autocomplete="off"
                      spellcheck={false}
                      data-testid="push-again-name"
                    />
                  </span>
                </label>
                <label class="server-loss-check">
                  <input ref={privateInput} type="checkbox" checked data-testid="push-again-private" />
                  Private: only you and the people you add can see it
                </label>
                <p class="muted">
                  It gets this device's commits, branches and tags, and the data this device holds for the current
                  branch. Data that only the old repository had is not on this device and cannot come back.
                </p>
                <div class="server-loss-choices">
                  <button type="submit" class="button primary" disabled={!me()}>
                    Create and push
                  </button>
                  <button type="button" class="button" onClick={() => setStep('choose')}>
                    Cancel
                  </button>
                </div>
              </form>
            </Match>
            <Match when={step() === 'confirm-remove'}>
              <div class="server-loss-form" data-testid="remove-confirm">
                <Show
                  when={notFound()}
                  fallback={
                    <p>
                      Removing {id()} from this device loses the commits, data and notes made here that the server does
                      not have; the server's copy stays.
                    </p>
                  }
                >
                  <p>
                    <strong>This may be the last copy.</strong> The server no longer has it, so removing {id()} from
                    this device deletes its commits, data and notes for good; there is no undo. Push it again first if
                    you may need it.
                  </p>
                </Show>
                <div class="server-loss-choices">
                  <button type="button" class="button danger-solid" onClick={() => void remove()}>
                    Remove for good
                  </button>
                  <button type="button" class="button" onClick={() => setStep('choose')}>
                    Cancel
                  </button>
                </div>
              </div>
            </Match>
            <Match when={step() === 'working'}>
              <p class="muted" role="status">
                {working()}…
              </p>
            </Match>
          </Switch>
          <Show when={error()}>
            <p class="error" data-testid="server-loss-error">
              {error()}
            </p>
          </Show>
        </section>
      </Show>
    </>
  );
}
