import type { Services } from '../context.ts';
import { makeAuthorize } from '../mlflow/feature.ts';
import type { Feature } from '../server.ts';
import { makeRunsFeedRoute } from './feed-route.ts';

/** The run feed and offline-run upload of every repository (see feed-route.ts and PROTOCOL.md). */
export function runsFeedFeature({ ctx, access, mlflow }: Services): Feature {
  return {
    name: 'runs-feed',
    routes: [makeRunsFeedRoute({ sql: ctx.sql, runs: mlflow.runs, authorize: makeAuthorize(access), log: ctx.log })],
  };
}
