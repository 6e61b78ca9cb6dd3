import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Metric } from 'prom-client';
import { BlobStoreUnavailableError } from './blobs/blob-store.ts';
import type { ServerConfig } from './config.ts';
import { DATABASE_RETRY_AFTER_SECONDS, DatabaseUnavailableError } from './db/sql.ts';
import { rememberClientAddress, trustedProxiesFromEnv } from './http/client-address.ts';
import { DISK_FULL_MESSAGE, isDiskFull } from './http/disk-full.ts';
import { isForeignWrite, originsFromVariable } from './http/origin.ts';
import { requestContext, requestIdFor } from './http/request-context.ts';
import { sendError, sendJson } from './http/respond.ts';
import { makeStaticHandler } from './http/static.ts';
import { type Logger, makeLogger } from './log.ts';
import { type GaugeReading, makeMetrics } from './metrics/metrics.ts';
import { metricsRoute } from './metrics/metrics-route.ts';

/** What a client is told to wait when the blob store is unavailable: long enough for a gateway restart. */
const BLOB_STORE_RETRY_AFTER_SECONDS = 5;
/** The same when PostgreSQL cannot be reached: a database restart takes seconds. */

/**
 * One HTTP route family of the server. The server tries them in order; the first whose
 * `match` accepts the path handles the request. Anything unmatched is the app (SPA).
 */
export interface Route {
  name: string;
  /** May ask the database (a redirect of an old name, a locked account): then it resolves later. */
  match(pathname: string, req: IncomingMessage): boolean | Promise<boolean>;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | void;
}

/** A WebSocket (or other upgrade) family, e.g. `/yjs/…`. */
export interface UpgradeRoute {
  name: string;
  match(pathname: string): boolean;
  handle(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  /** Called when the server starts closing: upgraded sockets are not HTTP connections, so
   * `close()` waits for them until the route ends them (e.g. WebSocket close 1001). */
  closing?(): void;
}

/**
 * A server feature (accounts, git, DVC remote, MLflow, Yjs, …): its HTTP routes, upgrade routes
 * and cleanup, made by the composition root (cairn.ts) from the shared services. Each owns its
 * own folder under src/.
 */
export interface Feature {
  name: string;
  routes?: Route[];
  upgrades?: UpgradeRoute[];
  /** Work after the server listens (seeding, background sync loops). */
  start?(server: CairnServer): Promise<void> | void;
  close?(): Promise<void> | void;
  /** Levels this feature reports in `/metrics` (uploads in progress, git processes, rooms…). */
  gauges?: GaugeReading[];
}

export interface CairnServer {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  config: ServerConfig;
  log: Logger;
  /** Stops accepting connections and lets in-flight requests finish (up to `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

export interface ServerParts {
  routes?: Route[];
  upgrades?: UpgradeRoute[];
  /** Read when `/metrics` is scraped. */
  gauges?: GaugeReading[];
  /** Metrics made elsewhere (the database's statement timings) to expose beside the server's. */
  metrics?: Metric[];
  onClose?: Array<() => Promise<void> | void>;
}

/** Limits on what one request may send before it is refused. */
const MAX_HEADER_BYTES = 32 * 1024;

/** Starts the server described by `config` and resolves once it listens. */
export async function startServer(
  config: ServerConfig,
  parts: ServerParts = {},
  log: Logger = makeLogger(config.logLevel),
): Promise<CairnServer> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const serveApp = makeStaticHandler(config.appDir);
  const metrics = makeMetrics();
  for (const g of parts.gauges ?? []) metrics.addGauge(g);
  for (const m of parts.metrics ?? []) metrics.registry.registerMetric(m);
  /**
   * Bytes a connection moved since its previous request ended: all of them belong to this one
   * (headers and body may arrive in one read, before the request is even parsed).
   */
  const accounted = new WeakMap<object, { read: number; written: number }>();
  const socketBytesSinceLastRequest = (socket: IncomingMessage['socket'] | null) => {
    if (!socket) return { bytesIn: 0, bytesOut: 0 };
    const last = accounted.get(socket) ?? { read: 0, written: 0 };
    const now = { read: socket.bytesRead ?? 0, written: socket.bytesWritten ?? 0 };
    accounted.set(socket, now);
    return { bytesIn: Math.max(0, now.read - last.read), bytesOut: Math.max(0, now.written - last.written) };
  };
  /** Which route answered each response, for the metrics' route label. */
  const routeOf = new WeakMap<ServerResponse, string>();
  const routes: Route[] = [
    {
      name: 'health',
      match: (p) => p === '/healthz',
      handle: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    metricsRoute(metrics, config.env.CAIRN_METRICS_TOKEN || undefined),
    ...(parts.routes ?? []),
  ];
  const upgrades = parts.upgrades ?? [];
  // Origins besides the server's own whose pages may send writes (a proxy's public name).
  const allowedOrigins = new Set([
    ...originsFromVariable(config.env, 'CAIRN_ALLOWED_ORIGINS'),
    ...originsFromVariable(config.env, 'CAIRN_YJS_ALLOWED_ORIGINS'),
  ]);

  // Load balancers whose X-Forwarded-For names the client (http/client-address.ts).
  const trustedProxies = trustedProxiesFromEnv(config.env);

  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    const started = performance.now();
    rememberClientAddress(req, trustedProxies);
    // Request id (http/request-context.ts): in the answer's header, every log line and error body.
    const requestId = requestIdFor(req);
    // Kept now: by the time the response closes, a destroyed connection may be detached from req.
    const socket = req.socket;
    res.setHeader('X-Request-Id', requestId);
    metrics.started();
    res.on('finish', () => {
      log.info('request', {
        requestId,
        method: req.method,
        path: (req.url ?? '').split('?')[0],
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      });
    });
    res.once('close', () => {
      metrics.ended({
        route: routeOf.get(res) ?? 'none',
        method: req.method ?? '',
        status: res.statusCode,
        seconds: (performance.now() - started) / 1000,
        ...socketBytesSinceLastRequest(socket),
      });
    });
    void requestContext
      .run({ requestId }, () => dispatch(req, res))
      .catch((err: unknown) => {
        if (isDiskFull(err) && !res.headersSent) return sendError(res, 507, 'storage_full', DISK_FULL_MESSAGE);
        if (err instanceof BlobStoreUnavailableError && !res.headersSent) {
          // The object store (S3) is down or refuses us: a retry later can succeed. An upload's
          // unread rest is not waited for.
          log.error('blob store unavailable', { requestId, path: req.url, error: err.message });
          res.setHeader('Connection', 'close');
          return sendError(res, 503, err.code, err.message, { 'Retry-After': String(BLOB_STORE_RETRY_AFTER_SECONDS) });
        }
        if (err instanceof DatabaseUnavailableError && !res.headersSent) {
          // PostgreSQL is down or restarting: nothing this request wrote was committed unless
          // it said so, and a retry later can succeed.
          log.error('database unavailable', { requestId, path: req.url, error: err.message });
          res.setHeader('Connection', 'close');
          return sendError(res, 503, err.code, err.message, { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) });
        }
        log.error('handler failed', { requestId, path: req.url, error: String(err) });
        if (!res.headersSent) sendError(res, 500, 'internal_error', 'The server failed to answer this request.');
        else res.destroy();
      });
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseUrl(req);
    if (!url) return sendError(res, 400, 'bad_request', 'The request URL could not be parsed.');
    if (isForeignWrite(req, allowedOrigins)) {
      routeOf.set(res, 'foreign-origin');
      return sendError(
        res,
        403,
        'foreign_origin',
        `A page on ${String(req.headers.origin).slice(0, 200)} may not change anything here. If that is this server's public address, add it to CAIRN_ALLOWED_ORIGINS.`,
      );
    }
    for (const route of routes) {
      if (await route.match(url.pathname, req)) {
        routeOf.set(res, route.name);
        return route.handle(req, res, url);
      }
    }
    routeOf.set(res, url.pathname.startsWith('/api/') ? 'api-not-found' : 'app');
    if (url.pathname.startsWith('/api/')) {
      return sendError(res, 404, 'not_found', `No API endpoint at ${url.pathname}`);
    }
    return serveApp(req, res, url.pathname);
  }

  // Node cuts any request after 300 s by default, which would kill a large DVC upload or git
  // push on a slow link. Headers must still arrive quickly (slow-loris), and a socket that
  // stays silent for two minutes is dropped.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;
  server.setTimeout(120_000, (socket) => socket.destroy());

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    rememberClientAddress(req, trustedProxies);
    // Long-lived WebSockets manage their own liveness; the HTTP idle timeout does not apply.
    if ('setTimeout' in socket) (socket as import('node:net').Socket).setTimeout(0);
    const url = parseUrl(req);
    const route = url && upgrades.find((u) => u.match(url.pathname));
    if (!url || !route) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    try {
      route.handle(req, socket, head, url);
    } catch (err) {
      log.error('upgrade failed', { path: url.pathname, error: String(err) });
      socket.destroy();
    }
  });
  server.on('clientError', (err, socket) => {
    const code = (err as NodeJS.ErrnoException).code;
    const status = code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    config,
    log,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        for (const u of upgrades) u.closing?.();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        await done;
        clearTimeout(timer);
        for (const fn of parts.onClose ?? []) await fn();
      })();
      return closing;
    },
  };
}

function parseUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://cairn.invalid');
  } catch {
    return null;
  }
}
