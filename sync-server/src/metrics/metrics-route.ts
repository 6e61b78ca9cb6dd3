import { timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Route } from '../server.ts';
import type { Metrics } from './metrics.ts';

/**
 * `GET /metrics` in Prometheus' text format. Open by default, as scrapers expect (nothing in it
 * names a repository or a user); with `CAIRN_METRICS_TOKEN` set, only `Authorization: Bearer
 * <that token>` may read it.
 */
export function metricsRoute(metrics: Metrics, token: string | undefined): Route {
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  const refuse = (res: ServerResponse) => {
    res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics need the metrics token\n');
  };
  return {
    name: 'metrics',
    match: (pathname) => pathname === '/metrics',
    async handle(req, res) {
      if (expected) {
        const got = Buffer.from(req.headers.authorization ?? '');
        if (got.length !== expected.length || !timingSafeEqual(got, expected)) return refuse(res);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    },
  };
}
