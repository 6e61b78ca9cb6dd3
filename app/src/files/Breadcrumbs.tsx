/** `repo / data / raw / file.csv`: each folder a link to its listing. */
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { treeUrl } from './urls.ts';

export function Breadcrumbs(props: { owner: string; repo: string; rev: string; path: string }) {
  const parts = () => props.path.split('/').filter(Boolean);
  return (
    <nav class="breadcrumbs" aria-label="Path" data-testid="breadcrumbs">
      <A href={treeUrl(props.owner, props.repo, props.rev)} end>
        {props.repo}
      </A>
      <For each={parts()}>
        {(name, i) => (
          <>
            <span class="sep">/</span>
            <Show when={i() < parts().length - 1} fallback={<strong>{name}</strong>}>
              <A
                href={treeUrl(
                  props.owner,
                  props.repo,
                  props.rev,
                  parts()
                    .slice(0, i() + 1)
                    .join('/'),
                )}
                end
              >
                {name}
              </A>
            </Show>
          </>
        )}
      </For>
    </nav>
  );
}
