/** Switches the branch or tag of the current view, keeping the path; the default branch is marked. */
import { For, Show } from 'solid-js';
import type { RepoRefs } from '../git/read-refs.ts';

export function RefPicker(props: { refs: RepoRefs; rev: string; commit: string; onPick: (rev: string) => void }) {
  const isNamed = () => props.refs.branches.includes(props.rev) || props.refs.tags.includes(props.rev);
  return (
    <select
      class="ref-picker"
      aria-label="Branch or tag"
      data-testid="ref-picker"
      value={isNamed() ? props.rev : ''}
      onChange={(e) => e.currentTarget.value && props.onPick(e.currentTarget.value)}
    >
      <Show when={!isNamed()}>
        <option value="">{props.commit.slice(0, 7)}</option>
      </Show>
      <optgroup label="Branches">
        <For each={props.refs.branches}>
          {(b) => <option value={b}>{b === props.refs.defaultBranch ? `${b} (default)` : b}</option>}
        </For>
      </optgroup>
      <Show when={props.refs.tags.length}>
        <optgroup label="Tags">
          <For each={props.refs.tags}>{(t) => <option value={t}>{t}</option>}</For>
        </optgroup>
      </Show>
    </select>
  );
}
