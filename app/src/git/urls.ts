/** Server URLs of a repository (DESIGN: DagsHub's scheme). */

export function gitUrl(server: string, owner: string, repo: string): string {
  return `${server.replace(/\/+$/, '')}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}.git`;
}

export function dvcRemoteUrl(server: string, owner: string, repo: string): string {
  return `${server.replace(/\/+$/, '')}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}.dvc`;
}
