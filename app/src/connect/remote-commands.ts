/**
 * The commands that connect a computer to a repository on a Cairn server: git, the DVC remote
 * (`auth basic` with the user and an access token kept in `.dvc/config.local`, as DagsHub
 * documents) and MLflow's environment. Secrets are never filled in: the user pastes a token.
 */
export interface RemoteUrls {
  cloneUrl: string;
  dvcRemote: string;
  mlflowTrackingUri: string;
}

export const TOKEN_PLACEHOLDER = '<access token>';

export function dvcCommands(urls: RemoteUrls, username: string | null): string {
  const user = username ?? '<user name>';
  return [
    `dvc remote add -d origin ${urls.dvcRemote}`,
    'dvc remote modify origin --local auth basic',
    `dvc remote modify origin --local user ${user}`,
    `dvc remote modify origin --local password ${TOKEN_PLACEHOLDER}`,
  ].join('\n');
}

export function mlflowCommands(urls: RemoteUrls, username: string | null): string {
  return [
    `export MLFLOW_TRACKING_URI=${urls.mlflowTrackingUri}`,
    `export MLFLOW_TRACKING_USERNAME=${username ?? '<user name>'}`,
    `export MLFLOW_TRACKING_PASSWORD=${TOKEN_PLACEHOLDER}`,
  ].join('\n');
}

/** The URLs of `owner/repo` on `server` when the server cannot be asked (offline): they follow one scheme. */
export function derivedUrls(server: string, owner: string, repo: string): RemoteUrls {
  const base = `${server.replace(/\/+$/, '')}/${owner}/${repo}`;
  return { cloneUrl: `${base}.git`, dvcRemote: `${base}.dvc`, mlflowTrackingUri: `${base}.mlflow` };
}
