import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../context.ts';
import { makeJsonApi } from '../http/json-api.ts';
import type { Feature } from '../server.ts';
import { repoRoutes } from './api.ts';
import { repoRedirectRoute } from './redirects.ts';

/**
 * Repositories: the old names' redirects (redirects.ts, first, so a renamed repository's old URLs
 * reach it) and the repository endpoints of the JSON API (api.ts), the batch call included.
 */
export function reposFeature(
  services: Services,
  dvcMissing: (req: IncomingMessage, res: ServerResponse, repo: { id: number }) => Promise<void>,
): Feature {
  return {
    name: 'repos',
    routes: [repoRedirectRoute(services), makeJsonApi('repos-api', services, repoRoutes(services, dvcMissing))],
  };
}
