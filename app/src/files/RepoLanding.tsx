/**
 * The front page of a repository with no branch: an empty one says how to push to it (its
 * clone URL and the git commands, as GitHub does) or add data here; one with only tags lists
 * them to browse and says how to make a branch.
 */
import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { listRefs } from '../git/read-refs.ts';
import { fetchServerRepo } from '../repos/server-repo.ts';
import { ready } from './ready.ts';
import type { RepoSession } from './repo-session.ts';
import { treeUrl } from './urls.ts';

export function RepoLanding(props: { session: RepoSession }) {
  const { owner, repo, row } = props.session.handle;
  const [refs] = createResource(() => listRefs(props.session.ctx));
  const [info] = createResource(async () => (row.server ? fetchServerRepo(owner, repo, row.server) : null));
  const cloneUrl = () => ready(info)?.cloneUrl ?? (row.server ? `${row.server}/${owner}/${repo}.git` : null);
  const tags = () => ready(refs)?.tags ?? [];
  return (
    <Show when={ready(refs)}>
      <Show
        when={tags().length === 0}
        fallback={
          <section class="notice landing" data-testid="tags-only-repo">
            <h2>This repository has no branches, only tags</h2>
            <p>Browse the files of a tag:</p>
            <ul class="candidates">
              <For each={tags()}>
                {(t) => (
                  <li>
                    <A href={treeUrl(owner, repo, t)} data-testid="landing-tag">
                      {t}
                    </A>
                  </li>
                )}
              </For>
            </ul>
            <Show when={cloneUrl()}>
              {(url) => (
                <>
                  <p>To give it a branch, push one with git, for example from the newest tag:</p>
                  <pre>{`git clone ${url()}\ncd ${repo}\ngit switch -c main ${tags()[tags().length - 1]}\ngit push -u origin main`}</pre>
                </>
              )}
            </Show>
          </section>
        }
      >
        <section class="notice landing" data-testid="empty-repo">
          <h2>This repository is empty</h2>
          <p>
            It has no commits yet. <A href={`/${owner}/${repo}/add-data`}>Add files or data</A> here to make the first
            one
            <Show when={cloneUrl()}>, or push a project to it with git</Show>.
          </p>
          <Show when={cloneUrl()}>
            {(url) => (
              <>
                <div class="clone-url">
                  <label for="clone-url">Clone URL</label>
                  <input
                    id="clone-url"
                    readOnly
                    value={url()}
                    data-testid="clone-url"
                    onFocus={(e) => e.currentTarget.select()}
                  />
                </div>
                <p>Push an existing repository from the command line:</p>
                <pre data-testid="push-existing">{`git remote add origin ${url()}\ngit push -u origin --all\ngit push origin --tags`}</pre>
                <p>…or start a new one:</p>
                <pre>{`echo "# ${repo}" >> README.md\ngit init\ngit add README.md\ngit commit -m "first commit"\ngit branch -M main\ngit remote add origin ${url()}\ngit push -u origin main`}</pre>
                <p class="muted">The first branch you push becomes the default branch.</p>
              </>
            )}
          </Show>
        </section>
      </Show>
    </Show>
  );
}
