/**
 * The repository's "Remote" panel, like GitHub's "Code" button and DagsHub's "Remote": the git
 * clone URL, the DVC remote commands and MLflow's tracking URI, each copyable, with where to get
 * the access token they need. URLs come from the repository's JSON, or follow the server's
 * scheme when offline; a repository only on this device says how to share it.
 */
import { A } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { ready } from '../files/ready.ts';
import { fetchServerRepo } from '../repos/server-repo.ts';
import { getDb } from '../storage/db.ts';
import { defaultServer } from '../sync/api.ts';
import { getCredentials } from '../sync/credentials.ts';
import { CopyField } from './CopyField.tsx';
import { derivedUrls, dvcCommands, mlflowCommands } from './remote-commands.ts';
import './connect.css';

/** The server a repository syncs with: its row's, or the app's own for one not on this device yet. */
async function serverOf(owner: string, repo: string): Promise<string | null> {
  const row = await getDb().repos.get(`${owner}/${repo}`);
  return row ? row.server : defaultServer();
}

export function RemotePanel(props: { owner: string; repo: string }) {
  const [server] = createResource(
    () => [props.owner, props.repo] as const,
    ([owner, repo]) => serverOf(owner, repo),
  );
  const [info] = createResource(
    () => {
      const s = ready(server);
      return s ? ([s, props.owner, props.repo] as const) : false;
    },
    ([s, owner, repo]) => fetchServerRepo(owner, repo, s),
  );
  const [account] = createResource(
    () => ready(server) ?? false,
    (s) => getCredentials(s),
  );
  const urls = () => {
    const s = ready(server);
    return ready(info) ?? (s ? derivedUrls(s, props.owner, props.repo) : null);
  };
  const username = () => ready(account)?.username ?? null;
  return (
    <details class="remote-panel" data-testid="remote-panel">
      <summary class="button">Remote</summary>
      <div class="remote-body">
        <Show
          when={urls()}
          fallback={
            <p class="muted" data-testid="remote-local-only">
              This repository is only on this device. <A href="/sign-in">Sign in</A> and create it on the server to
              clone it with git, push data with DVC and log runs with MLflow.
            </p>
          }
        >
          {(u) => (
            <>
              <CopyField label="Git clone URL" text={u().cloneUrl} testId="remote-git" />
              <CopyField label="DVC remote" text={dvcCommands(u(), username())} testId="remote-dvc" multiline />
              <CopyField
                label="MLflow tracking"
                text={mlflowCommands(u(), username())}
                testId="remote-mlflow"
                multiline
              />
              <p class="muted remote-hint">
                git, DVC and MLflow sign in with your user name and an <A href="/account#tokens">access token</A> (a
                password works for git too).
                <Show when={ready(info)?.permission === 'read'}> You can read this repository but not push to it.</Show>
              </p>
            </>
          )}
        </Show>
      </div>
    </details>
  );
}
