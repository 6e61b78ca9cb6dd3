import type { Feature } from '../cairn.ts';
import type { ServerContext } from '../context.ts';
import { makeAuthorize, makeMlflowStores } from '../mlflow/feature.ts';
import { makeRunsFeedRoute } from './feed-route.ts';

/** The run feed and offline-run upload of every repository (see feed-route.ts). */
export function runsFeedFeature(ctx: ServerContext): Feature {
  const { runs } = makeMlflowStores(ctx);
  return {
    name: 'runs-feed',
    routes: [makeRunsFeedRoute({ db: ctx.db, runs, authorize: makeAuthorize(ctx), log: ctx.log })],
  };
}
