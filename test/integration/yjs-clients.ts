/**
 * Clients for the Yjs relay tests: the stock y-websocket 3 provider (Node has no global
 * WebSocket, so `ws` is passed in; BroadcastChannel is off so only the server can carry an
 * update between clients), and a raw `ws` socket for sending bytes no provider would.
 */
import * as decoding from 'lib0/decoding';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface YClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  text(): string;
  /** The close the server sent when it refused or dropped this client, once there is one. */
  closes: Array<{ code: number; reason: string }>;
  permissionDenied: string[];
  destroy(): void;
}

/** A y-websocket client of `ws://…/yjs/OWNER/REPO/DOC`, connecting at once. */
export function yClient(serverUrl: string, owner: string, repo: string, doc: string, token?: string): YClient {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(`${serverUrl.replace(/^http/, 'ws')}/yjs/${owner}/${repo}`, doc, ydoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: token ? { token } : {},
    maxBackoffTime: 300,
  });
  const closes: YClient['closes'] = [];
  const permissionDenied: string[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  // y-websocket only logs a permission-denied message; record it instead.
  provider.messageHandlers[2] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) === 0) permissionDenied.push(decoding.readVarString(decoder));
  };
  return {
    doc: ydoc,
    provider,
    text: () => ydoc.getText('t').toString(),
    closes,
    permissionDenied,
    destroy() {
      provider.destroy();
      ydoc.destroy();
    },
  };
}

/** Resolves once `check()` is true; rejects with `what` if it is still false after `ms`. */
export async function waitFor(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface RawSocket {
  ws: WebSocket;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  /** The HTTP status when the upgrade itself was refused. */
  refusedStatus: Promise<number | null>;
  messages: Buffer[];
}

/** A bare WebSocket to the relay, for bytes a real client would never send. */
export function rawSocket(serverUrl: string, path: string, headers: Record<string, string> = {}): RawSocket {
  const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}${path}`, { headers });
  const messages: Buffer[] = [];
  ws.on('message', (data) => messages.push(data as Buffer));
  ws.on('error', () => {});
  const refusedStatus = new Promise<number | null>((resolve) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? null);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => resolve(null));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('close', () => reject(new Error('closed before opening')));
  });
  opened.catch(() => {});
  return {
    ws,
    opened,
    closed: new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    refusedStatus,
    messages,
  };
}
