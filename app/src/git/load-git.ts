/**
 * The git write side of the app (this folder, except the read*.ts modules of the file views):
 * init, clone, commit, fetch/merge, push, with isomorphic-git on each repository's lightning-fs.
 *
 * isomorphic-git and its HTTP client are loaded lazily, only by the views that need them
 * (~86 KB gzipped with the Buffer polyfill, which the app entry installs: STACK gotcha 3).
 */
import type { HttpClient } from 'isomorphic-git';

export type Git = typeof import('isomorphic-git');

export interface GitModules {
  git: Git;
  http: HttpClient;
}

let loading: Promise<GitModules> | null = null;

export function loadGit(): Promise<GitModules> {
  loading ??= (async () => {
    if (!(globalThis as { Buffer?: unknown }).Buffer) {
      const { Buffer } = await import('buffer');
      (globalThis as { Buffer?: unknown }).Buffer = Buffer;
    }
    const [git, http] = await Promise.all([import('isomorphic-git'), import('isomorphic-git/http/web')]);
    return { git, http: http.default };
  })();
  return loading;
}
