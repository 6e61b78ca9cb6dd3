/**
 * The send-and-wait loop of the Yjs fan-out benches (yjs-fanout, yjs-fanout-processes): receivers
 * spread over one or more servers' document URLs, one sender, and per update the time until every
 * receiver had it.
 */
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { writeUpdateMessage } from '../sync-server/src/yjs/messages.ts';

export interface FanOutTimes {
  /** Until every receiver had the update, ms. */
  all: number[];
  /** Until every receiver of the last URL listed had it (the remote ones, with two servers), ms. */
  last: number[];
}

export interface FanOutOptions {
  /** Receivers, spread evenly over the URLs. */
  clients: number;
  updates: number;
  /** Wait after connecting, so the greetings (SyncStep1, awareness) are not counted. */
  settleMs: number;
}

const open = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('open', () => resolve(ws));
  });

/**
 * Spreads `clients` receivers evenly over `urls`, sends from a client of `urls[0]`, and times
 * each update until all receivers (and, apart, all of the last URL's) have it.
 */
export async function fanOut(urls: string[], opts: FanOutOptions): Promise<FanOutTimes> {
  const { clients, updates: count } = opts;
  let waiting = 0;
  let waitingLast = 0;
  let tLast = 0;
  let done: () => void = () => {};
  const receivers: WebSocket[] = [];
  for (let i = 0; i < clients; i++) {
    const which = i % urls.length;
    const isLast = which === urls.length - 1;
    const ws = await open(urls[which] as string);
    ws.on('message', (data: Buffer) => {
      // Only relayed updates count (sync type 2), not the greeting (SyncStep1, awareness).
      if (data[0] !== 0 || data[1] !== 2) return;
      if (isLast && --waitingLast === 0) tLast = performance.now();
      if (--waiting === 0) done();
    });
    receivers.push(ws);
  }
  const sender = await open(urls[0] as string);
  sender.on('message', () => {});
  await new Promise((r) => setTimeout(r, opts.settleMs));
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const times: FanOutTimes = { all: [], last: [] };
  const perLast = receivers.filter((_, i) => i % urls.length === urls.length - 1).length;
  for (let i = 0; i < count; i++) {
    doc.getText('t').insert(doc.getText('t').length, `edit ${i}; `);
    const message = writeUpdateMessage(updates.shift() as Uint8Array);
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`update ${i} reached only ${clients - waiting} clients`)),
        10_000,
      );
      done = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    waiting = clients;
    waitingLast = perLast;
    const t0 = performance.now();
    sender.send(message);
    await arrived;
    const t1 = performance.now();
    times.all.push(t1 - t0);
    times.last.push(tLast - t0);
    // Stay under the relay's per-socket message rate (200/s by default).
    await new Promise((r) => setTimeout(r, 6));
  }
  for (const ws of [...receivers, sender]) ws.terminate();
  return times;
}
