/**
 * The runs table's worker: holds a repository's runs as column blocks and answers the
 * Experiments page (see run-table-host.ts; messages in run-table-protocol.ts).
 */

import { experimentsDb } from './run-store.ts';
import { RunTableHost } from './run-table-host.ts';
import type { ToTableWorker } from './run-table-protocol.ts';

const host = new RunTableHost(experimentsDb(), (m, transfer = []) => self.postMessage(m, { transfer }));

self.onmessage = (event: MessageEvent<ToTableWorker>) => {
  const m = event.data;
  if (m.type === 'ask') host.ask(m.id, m.question);
  else void host.command(m);
};
