/**
 * Set (or move) an alias of a registered model to a version, or remove it: one MLflow call,
 * then the registry snapshot is re-synced. Needs the network; says so offline.
 */
import { createSignal, For, Show } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { isOnline } from '../sync/connectivity.ts';
import { mlflowCall, syncRegistry } from './registry-store.ts';

export function AliasForm(props: {
  repo: string;
  model: string;
  versions: string[];
  aliases: { alias: string; version: string }[];
  version?: string;
  onChanged: () => void;
}) {
  // On a version's page, start from that version's own alias (or a blank one to name).
  const [alias, setAlias] = createSignal(
    props.version
      ? (props.aliases.find((a) => a.version === props.version)?.alias ?? '')
      : (props.aliases[0]?.alias ?? 'champion'),
  );
  const [version, setVersion] = createSignal(props.version ?? props.versions[0] ?? '');
  const [message, setMessage] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const run = async (method: 'POST' | 'DELETE') => {
    setBusy(true);
    setMessage(null);
    try {
      await mlflowCall(defaultServer(), props.repo, method, 'registered-models/alias', {
        name: props.model,
        alias: alias().trim(),
        ...(method === 'POST' ? { version: version() } : {}),
      });
      await syncRegistry(defaultServer(), props.repo);
      setMessage({
        ok: true,
        text:
          method === 'POST' ? `@${alias().trim()} now points at version ${version()}.` : `@${alias().trim()} removed.`,
      });
      props.onChanged();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="cat-form"
      data-testid="alias-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run('POST');
      }}
    >
      <label>
        Alias
        <input
          name="alias"
          list={`aliases-${props.model}`}
          value={alias()}
          onInput={(e) => setAlias(e.currentTarget.value)}
          required
          placeholder="champion"
          pattern="[\w\-]+"
          size={12}
        />
        <datalist id={`aliases-${props.model}`}>
          <For each={props.aliases}>{(a) => <option value={a.alias} />}</For>
        </datalist>
      </label>
      <Show when={!props.version}>
        <label>
          Version
          <select name="version" value={version()} onChange={(e) => setVersion(e.currentTarget.value)}>
            <For each={props.versions}>{(v) => <option value={v}>{v}</option>}</For>
          </select>
        </label>
      </Show>
      <button type="submit" class="button primary" disabled={busy() || !isOnline()}>
        {props.version ? `Set alias on v${props.version}` : 'Set alias'}
      </button>
      <button
        type="button"
        class="button"
        disabled={busy() || !isOnline() || !props.aliases.some((a) => a.alias === alias().trim())}
        onClick={() => void run('DELETE')}
      >
        Remove
      </button>
      <Show when={!isOnline()}>
        <span class="cat-sub">Connect to change aliases.</span>
      </Show>
      <Show when={message()}>
        {(m) => (
          <span class={m().ok ? 'pill ok' : 'pill warn'} role="status" data-testid="alias-message">
            {m().text}
          </span>
        )}
      </Show>
    </form>
  );
}
