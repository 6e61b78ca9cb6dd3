import type { IncomingMessage } from 'node:http';
import type { Services } from '../context.ts';
import type { Route } from '../server.ts';
import { redirectOf } from './repo-lifecycle.ts';
import type { RepoRow } from './store.ts';

/**
 * The old names of renamed and transferred repositories (repo-lifecycle.ts): a request for a name
 * that no repository holds now but one held before is redirected to the new name — the JSON API,
 * git, DVC and MLflow with 308 (method kept), app pages with 301 — only for callers who may read
 * the repository, so a redirect never reveals a private one. Mounted before the routes that
 * answer those URLs (reposFeature, then git, DVC, MLflow).
 */
const API_REPO = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)(\/.*)?$/;
const TOOL_URL = /^\/([^/]+)\/([^/]+?)(\.git|\.dvc|\.mlflow)(\/.*)?$/;
const APP_PAGE = /^\/([^/]+)\/([^/]+)(\/.*)?$/;
const NOT_OWNERS = new Set(['api', 'yjs', 'assets', 'healthz', 'metrics']);

export function repoRedirectRoute({ ctx, access, repos }: Services): Route {
  const { sql } = ctx;
  const redirects = new WeakMap<IncomingMessage, { location: string; status: number }>();

  /** Where an old name's request should go, or null to let the normal routes answer. */
  const redirectFor = async (
    req: IncomingMessage,
    pathname: string,
  ): Promise<{ location: string; status: number } | null> => {
    let owner: string;
    let name: string;
    let build: (r: RepoRow) => string;
    let status = 308;
    const api = API_REPO.exec(pathname);
    const tool = api ? null : TOOL_URL.exec(pathname);
    const page = api || tool || !['GET', 'HEAD'].includes(req.method ?? '') ? null : APP_PAGE.exec(pathname);
    if (api) {
      [, owner, name] = api as unknown as [string, string, string];
      build = (r) => `/api/v1/repos/${r.owner}/${r.name}${api[3] ?? ''}`;
    } else if (tool) {
      [, owner, name] = tool as unknown as [string, string, string];
      build = (r) => `/${r.owner}/${r.name}${tool[3]}${tool[4] ?? ''}`;
    } else if (page && !NOT_OWNERS.has((page[1] as string).toLowerCase())) {
      [, owner, name] = page as unknown as [string, string, string];
      build = (r) => `/${r.owner}/${r.name}${page[3] ?? ''}`;
      status = 301;
    } else return null;
    const id = await redirectOf(sql, owner, name);
    if (id === null || (await repos.find(owner, name))) return null;
    const target = await repos.byId(id);
    if (!target) return null;
    const who = await access.authenticate(req, new URL(`http://x${pathname}`));
    const principal = who && !('invalid' in who) ? who : null;
    if (!(await access.authorizeRepo(principal, target.owner, target.name, 'read')).ok) return null;
    return { location: build(target), status };
  };

  return {
    name: 'repo-redirect',
    async match(pathname, req) {
      const r = await redirectFor(req, pathname);
      if (r) redirects.set(req, r);
      return r !== null;
    },
    handle(req, res, url) {
      const r = redirects.get(req) as { location: string; status: number };
      res.writeHead(r.status, { Location: `${r.location}${url.search}`, 'Content-Length': 0 }).end();
    },
  };
}
