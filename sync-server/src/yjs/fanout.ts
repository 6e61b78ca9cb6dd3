/**
 * Live documents across several server processes sharing one PostgreSQL: every stored update is
 * announced with NOTIFY on one channel (store.ts writes the row and the notification in one
 * statement), and each process LISTENs on a dedicated connection. The payload is
 * `KIND ORIGIN ID DOC` — the row id, never the update itself (NOTIFY payloads stop at 8000
 * bytes): a process that has the document open reads the row and relays it to its own clients.
 *
 * A notification sent while the listening connection is down is lost, so after every (re)connect
 * the process re-reads every open document (`onResync`): nothing stored is ever missed, whatever
 * the order in which concurrent transactions committed.
 *
 * Presence (awareness: cursors, names) is not stored; it travels in the payload itself,
 * `a ORIGIN 0 DOC BASE64`, and is left out past NOTIFY's size limit (a peer's presence is a few
 * hundred bytes in practice). A lost presence message costs nothing lasting: clients re-send
 * theirs every 15 s and states not renewed for 30 s are dropped.
 *
 * On SQLite there is one process and none of this runs.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { SqlDatabase } from '../db/sql.ts';
import type { Logger } from '../log.ts';
import type { YjsNotify } from './store.ts';

/** The channel every Cairn process of one database listens on. */
export const YJS_CHANNEL = 'cairn_yjs';

export type FanoutEvent =
  | { kind: 'update'; doc: string; id: number }
  | { kind: 'removed'; doc: string }
  | { kind: 'awareness'; doc: string; update: Uint8Array };

/** NOTIFY refuses payloads of 8000 bytes or more. */
const MAX_PAYLOAD = 7999;

export interface FanoutHandlers {
  /** Another process stored or removed something of `doc`. */
  onEvent(event: FanoutEvent): void;
  /** The listening connection is (again) up: re-read every open document. */
  onResync(): void;
}

export interface PgFanoutOptions {
  url: string;
  /** The server's pool, which sends presence notifications. */
  sql: SqlDatabase;
  log: Logger;
  handlers: FanoutHandlers;
  /** First delay before reconnecting; doubles up to `maxRetryMs`. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export interface PgFanout {
  /** What the store passes along with each write so other processes hear of it. */
  readonly notify: YjsNotify;
  /** Sends presence published by this process's peers of `doc` to the other processes. */
  publishAwareness(doc: string, update: Uint8Array): void;
  close(): Promise<void>;
}

/**
 * Parses `KIND ORIGIN ID DOC` (and presence's `BASE64` after it); undefined for a payload this
 * version does not know. Document keys have no spaces (doc-path.ts).
 */
export function parseFanoutPayload(payload: string): { origin: string; event: FanoutEvent } | undefined {
  const m = /^([ura]) (\S+) (\d+) (\S+)(?: ([A-Za-z0-9+/=]+))?$/.exec(payload);
  if (!m) return undefined;
  const [, kind, origin, id, doc, data] = m as unknown as [string, string, string, string, string, string?];
  if ((kind === 'a') !== (data !== undefined)) return undefined;
  const event: FanoutEvent =
    kind === 'u'
      ? { kind: 'update', doc, id: Number(id) }
      : kind === 'r'
        ? { kind: 'removed', doc }
        : { kind: 'awareness', doc, update: new Uint8Array(Buffer.from(data as string, 'base64')) };
  return { origin, event };
}

export function startPgFanout(opts: PgFanoutOptions): PgFanout {
  const origin = randomBytes(8).toString('hex');
  const minRetry = opts.minRetryMs ?? 100;
  const maxRetry = opts.maxRetryMs ?? 2000;
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = minRetry;
  let retryTimer: NodeJS.Timeout | null = null;

  const onNotification = (msg: pg.Notification) => {
    if (msg.channel !== YJS_CHANNEL || !msg.payload) return;
    const parsed = parseFanoutPayload(msg.payload);
    if (!parsed) {
      opts.log.error('yjs fan-out payload not understood', { payload: msg.payload.slice(0, 200) });
      return;
    }
    if (parsed.origin === origin) return; // our own write: our rooms have it already
    opts.handlers.onEvent(parsed.event);
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(maxRetry, retryMs * 2);
  };

  const connect = async () => {
    const c = new pg.Client({ connectionString: opts.url, connectionTimeoutMillis: 5000 });
    // A dead connection emits 'error' and/or 'end'; either way, listen again on a new one.
    let dropped = false;
    const drop = (why: string) => {
      if (dropped) return;
      dropped = true;
      if (client === c) client = null;
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      if (!closed) {
        opts.log.error('yjs fan-out connection lost; reconnecting', { error: why });
        scheduleReconnect();
      }
    };
    c.on('error', (err) => drop(err.message));
    c.on('end', () => drop('connection ended'));
    c.on('notification', onNotification);
    try {
      await c.connect();
      await c.query(`LISTEN ${YJS_CHANNEL}`);
    } catch (err) {
      drop(String(err));
      return;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    retryMs = minRetry;
    // Whatever was stored while nobody listened is read back now.
    opts.handlers.onResync();
  };

  void connect();

  return {
    notify: { channel: YJS_CHANNEL, origin },
    publishAwareness(doc, update) {
      if (closed) return;
      const payload = `a ${origin} 0 ${doc} ${Buffer.from(update).toString('base64')}`;
      if (Buffer.byteLength(payload) > MAX_PAYLOAD) return;
      opts.sql.run('SELECT pg_notify(?::text, ?::text)', [YJS_CHANNEL, payload]).catch((err: unknown) => {
        opts.log.debug('yjs presence not sent to other processes', { doc, error: String(err) });
      });
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
