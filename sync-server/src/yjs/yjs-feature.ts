/**
 * Live Yjs documents over WebSocket at `/yjs/OWNER/REPO/DOC` (PROTOCOL.md): Cairn's own small
 * y-websocket-compatible relay on `ws` + `y-protocols`. This folder owns the upgrade checks
 * (Origin, token, per-repository rights, doc names), the wire messages, the rooms of live
 * documents and their storage (`yjs_updates` in SQLite or PostgreSQL; on PostgreSQL several
 * processes relay each other's updates, fanout.ts). It does not own accounts or
 * repositories: it asks an access check, by default the server's auth module.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ServerContext, Services } from '../context.ts';
import { DatabaseUnavailableError } from '../db/sql.ts';
import { HttpError } from '../http/http-error.ts';
import { makeJsonApi, SEGMENT, signedIn } from '../http/json-api.ts';
import { isOriginAllowed } from '../http/origin.ts';
import type { Feature, UpgradeRoute } from '../server.ts';
import { type DocAddress, parseDocPath, YJS_PREFIX } from './doc-path.ts';
import { DocRooms } from './doc-rooms.ts';
import { DocPathError } from './errors.ts';
import { startPgFanout } from './fanout.ts';
import { attachPeerSocket } from './peer-socket.ts';
import { makeRepoAccessCheck } from './repo-access.ts';
import { makeSqlYjsStore, type YjsStore } from './store.ts';
import { type YjsConfig, yjsConfigFromEnv } from './yjs-config.ts';

/** What the access check decides for one connection attempt. */
export type YjsAccessDecision =
  | { ok: true; canWrite: boolean /** null: not signed in (public repositories) */; user: string | null }
  | { ok: false; status: number; code: string; message: string };

/** Decides whether the request (token in `?token=`) may open the document, and may write it. */
export type YjsAccessCheck = (req: IncomingMessage, url: URL, doc: DocAddress) => Promise<YjsAccessDecision>;

export interface YjsFeatureOptions {
  access: YjsAccessCheck;
  store?: YjsStore;
  config?: YjsConfig;
}

/** The document was deleted (4400 + HTTP 410 Gone's last two digits); y-websocket stops. */
const CLOSE_NOTE_DELETED = 4410;

/** Standard close code "try again later": a cap was hit; y-websocket retries with backoff. */
const CLOSE_TRY_AGAIN_LATER = 1013;

/** Policy violation: the socket's rights shrank; the client reconnects with its new ones. */
const CLOSE_RIGHTS_CHANGED = 1008;

/** Refusals after the handshake use 4400 + the HTTP status's last two digits (PROTOCOL.md). */
function closeCodeFor(status: number): number {
  if (status >= 400 && status < 500) return 4000 + status;
  // The database is down or restarting: "try again later", as y-websocket then does.
  if (status === 503) return CLOSE_TRY_AGAIN_LATER;
  return 4500;
}

export interface YjsFeature extends Feature {
  rooms: DocRooms;
  /**
   * Deletes a document for good (a deleted note): open sockets close with 4410, its stored
   * updates go, and later connections to it are refused with 4410, so no device's copy can
   * bring it back.
   */
  removeDoc(key: string, by: string): Promise<void>;
}

export function makeYjsFeature(ctx: ServerContext, opts: YjsFeatureOptions): YjsFeature {
  const config = opts.config ?? yjsConfigFromEnv(ctx.config.env);
  const log = ctx.log;
  // Several processes may share PostgreSQL: each hears of the others' writes (fanout.ts). A store
  // passed in (tests) is this process's alone.
  const database = ctx.config.database;
  const fanout =
    database.kind === 'postgres' && !opts.store
      ? startPgFanout({
          url: database.url,
          sql: ctx.sql,
          log,
          handlers: {
            onEvent(event) {
              if (event.kind === 'update') rooms.storedElsewhere(event.doc, event.id);
              else if (event.kind === 'awareness') rooms.awarenessElsewhere(event.doc, event.update);
              else void rooms.evict(event.doc, CLOSE_NOTE_DELETED, 'note deleted');
            },
            onResync: () => rooms.reloadAll(),
          },
        })
      : null;
  const store = opts.store ?? makeSqlYjsStore(ctx.sql, fanout?.notify);
  const rooms = new DocRooms({
    store,
    log,
    idleUnloadMs: config.idleUnloadMs,
    compactAfterUpdates: config.compactAfterUpdates,
    maxAwarenessBytes: config.maxAwarenessBytes,
    ...(fanout ? { publishAwareness: (key: string, update: Uint8Array) => fanout.publishAwareness(key, update) } : {}),
  });
  // No compression: a small compressed frame could inflate far past maxPayload's intent.
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayloadBytes, perMessageDeflate: false });
  wss.on('error', (err) => log.error('yjs websocket server error', { error: String(err) }));
  let closing = false;
  const socketsPerHolder = new Map<string, number>();
  /** Counts the socket against its holder's cap (signed-out readers: per address); false if over. */
  const holdSocket = (ws: WebSocket, req: IncomingMessage, user: string | null): boolean => {
    // User names cannot contain '@', so the two kinds of holder never collide.
    const holder = user ?? `@${req.socket.remoteAddress}`;
    const held = socketsPerHolder.get(holder) ?? 0;
    if (held >= config.maxSocketsPerUser) return false;
    socketsPerHolder.set(holder, held + 1);
    ws.once('close', () => {
      const left = (socketsPerHolder.get(holder) ?? 1) - 1;
      if (left > 0) socketsPerHolder.set(holder, left);
      else socketsPerHolder.delete(holder);
    });
    return true;
  };
  let roomsClosed: Promise<void> | null = null;
  /** Says goodbye (1001) to every peer and unloads every document; idempotent. */
  const beginClosing = () => {
    closing = true;
    roomsClosed ??= rooms.close();
    return roomsClosed;
  };

  const upgrade: UpgradeRoute = {
    name: 'yjs',
    match: (pathname) => pathname.startsWith(YJS_PREFIX),
    closing() {
      void beginClosing();
    },
    handle(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) {
      if (closing) return refuseHttp(socket, '503 Service Unavailable');
      if (!isOriginAllowed(req, config.allowedOrigins)) {
        log.info('yjs origin refused', { path: url.pathname, origin: String(req.headers.origin).slice(0, 200) });
        return refuseHttp(socket, '403 Forbidden');
      }
      void decide(req, url)
        .then((decision) => {
          if (socket.destroyed) return;
          if (closing) return refuseHttp(socket, '503 Service Unavailable');
          wss.handleUpgrade(req, socket, head, (ws) => {
            ws.on('error', (err) => log.debug('yjs socket error', { error: err.message }));
            if (!decision.ok) {
              log.info('yjs connection refused', { path: url.pathname, status: decision.status, code: decision.code });
              ws.close(closeCodeFor(decision.status), decision.code.slice(0, 100));
              setTimeout(() => ws.terminate(), 2000).unref();
              return;
            }
            const key = decision.address.key;
            if (!holdSocket(ws, req, decision.user)) {
              log.info('yjs connection refused', { doc: key, user: decision.user, code: 'too_many_sockets' });
              ws.close(CLOSE_TRY_AGAIN_LATER, 'too many open documents');
              setTimeout(() => ws.terminate(), 2000).unref();
              return;
            }
            log.info('yjs connection', { doc: key, user: decision.user, write: decision.canWrite });
            try {
              attachPeerSocket(ws, rooms, {
                key,
                canWrite: decision.canWrite,
                label: decision.user ?? 'anonymous',
                log,
                maxMessagesPerSecond: config.maxMessagesPerSecond,
              });
              recheckWhileOpen(ws, req, url, decision.canWrite);
            } catch (err) {
              log.error('yjs join failed', { doc: key, error: String(err) });
              ws.terminate();
            }
          });
        })
        .catch((err: unknown) => {
          log.error('yjs upgrade failed', { path: url.pathname, error: String(err) });
          socket.destroy();
        });
    },
  };

  /**
   * Rights can change while a socket is open (token revoked, collaborator removed or made a
   * reader): check again now and then. Refused now → the 44xx close; lost write rights →
   * 1008, and y-websocket reconnects as the reader it now is.
   */
  function recheckWhileOpen(ws: WebSocket, req: IncomingMessage, url: URL, couldWrite: boolean): void {
    const timer = setInterval(() => {
      void decide(req, url).then((now) => {
        if (ws.readyState !== ws.OPEN) return;
        // A check that could not be made (PostgreSQL restarting) revokes nothing: keep the socket.
        if (!now.ok && now.status === 503) return;
        if (!now.ok) {
          log.info('yjs access revoked', { path: url.pathname, status: now.status, code: now.code });
          ws.close(closeCodeFor(now.status), now.code.slice(0, 100));
        } else if (couldWrite && !now.canWrite) {
          log.info('yjs write access revoked', { path: url.pathname, user: now.user });
          ws.close(CLOSE_RIGHTS_CHANGED, 'write access revoked');
        }
      });
    }, config.recheckAccessMs);
    timer.unref();
    ws.once('close', () => clearInterval(timer));
  }

  async function decide(
    req: IncomingMessage,
    url: URL,
  ): Promise<
    | { ok: true; canWrite: boolean; user: string | null; address: DocAddress }
    | { ok: false; status: number; code: string; message: string }
  > {
    let address: DocAddress;
    try {
      address = parseDocPath(url.pathname);
    } catch (err) {
      if (err instanceof DocPathError) return { ok: false, status: 400, code: err.code, message: err.message };
      throw err;
    }
    try {
      const decision = await opts.access(req, url, address);
      if (decision.ok && (removing.has(address.key) || (await store.isRemoved(address.key)))) {
        return { ok: false, status: 410, code: 'note_deleted', message: 'This note was deleted.' };
      }
      return decision.ok ? { ...decision, address } : decision;
    } catch (err) {
      if (err instanceof DatabaseUnavailableError) {
        log.error('yjs access check: database unavailable', { path: url.pathname, error: err.message });
        return { ok: false, status: 503, code: err.code, message: err.message };
      }
      log.error('yjs access check failed', { path: url.pathname, error: String(err) });
      return { ok: false, status: 500, code: 'internal_error', message: 'The access check failed.' };
    }
  }

  /** Documents being deleted now: refused before their tombstone is written. */
  const removing = new Set<string>();

  return {
    name: 'yjs',
    upgrades: [upgrade],
    rooms,
    async removeDoc(key, by) {
      removing.add(key);
      try {
        // Close first (queued writes and the unload's compaction finish), then delete: nothing
        // can write the document after its rows are gone.
        await rooms.evict(key, CLOSE_NOTE_DELETED, 'note deleted');
        await store.remove(key, by);
      } finally {
        removing.delete(key);
      }
    },
    gauges: [
      { name: 'cairn_yjs_rooms', help: 'Live-notes documents loaded in memory.', read: () => rooms.loadedCount },
      { name: 'cairn_yjs_sockets', help: 'Live-notes WebSockets open.', read: () => wss.clients.size },
    ],
    async close() {
      await beginClosing();
      await fanout?.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function refuseHttp(socket: Duplex, status: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

/**
 * The feature as mounted in `cairn.ts`: access decided by the server's auth module, plus
 * `DELETE /api/v1/repos/O/R/notes/DOC` (write access), which deletes a note's document.
 */
export function yjsFeature(services: Services): YjsFeature {
  const { ctx, access } = services;
  const feature = makeYjsFeature(ctx, { access: makeRepoAccessCheck(access) });
  const api = makeJsonApi('notes', services, [
    [
      'DELETE',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})/notes/(${SEGMENT})$`),
      async ({ res, who, params }) => {
        const [owner, repo, doc] = params as [string, string, string];
        let address: DocAddress;
        try {
          address = parseDocPath(`${YJS_PREFIX}${owner}/${repo}/${doc}`);
        } catch (err) {
          if (err instanceof DocPathError) throw new HttpError('bad_doc_name', 400, err.message);
          throw err;
        }
        const me = signedIn(who);
        const r = await access.authorizeRepo(me, owner, repo, 'write');
        if (!r.ok)
          throw new HttpError(
            r.status === 403 ? 'forbidden' : r.status === 401 ? 'unauthorized' : 'not_found',
            r.status,
            r.message,
          );
        await feature.removeDoc(address.key, me.username);
        res.writeHead(204).end();
      },
    ],
  ]);
  return { ...feature, routes: [...(feature.routes ?? []), api] };
}
