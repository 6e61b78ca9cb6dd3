/**
 * The compare page's worker: reads the compared runs from the store and keeps them
 * (compare-host.ts), so their objects are made and collected here, not on the page's thread.
 */
import { CompareHost } from './compare-host.ts';
import type { CompareRequest } from './compare-protocol.ts';
import { experimentsDb } from './run-store.ts';

const host = new CompareHost(experimentsDb);

self.onmessage = (event: MessageEvent<CompareRequest>) => {
  void host.answer(event.data).then(({ res, transfer }) => self.postMessage(res, { transfer }));
};
