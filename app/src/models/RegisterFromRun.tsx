/**
 * On an MLflow run's page: register one of its artifact folders (default `model`) as a new
 * version of a registered model (created when the name is new), optionally pointing an alias at
 * it, then re-sync the registry snapshot. Needs the network; shows the run's versions offline.
 */
import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { mlflowCall, modelsDb, RegistryError, syncRegistry, versionUrl } from './registry-store.ts';
import '../catalog/catalog.css';
import { rereadInTransition } from '../files/ready.ts';
import { browserSaysOffline, isOnline } from '../sync/connectivity.ts';

export function RegisterFromRun(props: { repo: string; runId: string }) {
  const [snapshot, { refetch }] = createResource(
    () => props.repo,
    async (repo) =>
      (await modelsDb().registry.get(repo)) ??
      (!browserSaysOffline() ? await syncRegistry(defaultServer(), repo).catch(() => null) : null),
  );
  const ofRun = () => (snapshot()?.versions ?? []).filter((v) => v.run_id === props.runId);
  const [name, setName] = createSignal('');
  const [path, setPath] = createSignal('model');
  const [alias, setAlias] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ ok: boolean; text: string } | null>(null);

  const register = async () => {
    const server = defaultServer();
    const model = name().trim();
    setBusy(true);
    setMessage(null);
    try {
      await mlflowCall(server, props.repo, 'POST', 'registered-models/create', { name: model }).catch((err) => {
        if (!(err instanceof RegistryError && err.code === 'RESOURCE_ALREADY_EXISTS')) throw err;
      });
      const sub = path()
        .trim()
        .replace(/^\/+|\/+$/g, '');
      const created = await mlflowCall<{ model_version: { version: string } }>(
        server,
        props.repo,
        'POST',
        'model-versions/create',
        {
          name: model,
          source: `runs:/${props.runId}${sub ? `/${sub}` : ''}`,
          run_id: props.runId,
        },
      );
      const v = created.model_version.version;
      if (alias().trim())
        await mlflowCall(server, props.repo, 'POST', 'registered-models/alias', {
          name: model,
          alias: alias().trim(),
          version: v,
        });
      await syncRegistry(server, props.repo);
      await rereadInTransition(refetch);
      setMessage({ ok: true, text: `Registered ${model} version ${v}.` });
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section data-testid="register-model">
      <h3>Model registry</h3>
      <Show when={ofRun().length > 0}>
        <p>
          Registered as{' '}
          <For each={ofRun()}>
            {(v) => (
              <A class="pill alias" href={versionUrl(props.repo, v.name, v.version)}>
                {v.name} v{v.version}
                {(v.aliases ?? []).map((a) => ` @${a}`).join('')}
              </A>
            )}
          </For>
        </p>
      </Show>
      <form
        class="cat-form"
        onSubmit={(e) => {
          e.preventDefault();
          void register();
        }}
      >
        <label>
          Model name
          <input
            name="model"
            list="registered-model-names"
            required
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
            placeholder="new or existing"
          />
          <datalist id="registered-model-names">
            <For each={snapshot()?.models ?? []}>{(m) => <option value={m.name} />}</For>
          </datalist>
        </label>
        <label>
          Artifact folder
          <input name="path" value={path()} onInput={(e) => setPath(e.currentTarget.value)} size={10} />
        </label>
        <label>
          Alias (optional)
          <input
            name="alias"
            value={alias()}
            onInput={(e) => setAlias(e.currentTarget.value)}
            size={10}
            pattern="[\w\-]*"
          />
        </label>
        <button type="submit" class="button primary" disabled={busy() || !isOnline()}>
          Register model
        </button>
        <Show when={!isOnline()}>
          <span class="cat-sub">Connect to register a model.</span>
        </Show>
        <Show when={message()}>
          {(m) => (
            <span class={m().ok ? 'pill ok' : 'pill warn'} role="status" data-testid="register-message">
              {m().text}
            </span>
          )}
        </Show>
      </form>
    </section>
  );
}
