/**
 * Parses one CSV/TSV file off the main thread and keeps its rows; the table viewer asks for the
 * window of rows it is about to draw. Progress is posted at most every 100 ms so a fast parse
 * does not flood the page with messages.
 */
import { CsvRowStore, streamCsv } from './csv-parse.ts';
import type { CsvRequest, CsvResponse } from './csv-protocol.ts';
import { csvOrder } from './csv-view.ts';

const store = new CsvRowStore();
/** The current view's row indices (null: the file's order, every row). */
let order: Uint32Array | null = null;
const post = (message: CsvResponse) => (self as unknown as Worker).postMessage(message);

self.onmessage = async (event: MessageEvent<CsvRequest>) => {
  const request = event.data;
  if (request.type === 'rows') {
    if (!order) {
      const rows = store.slice(request.start, request.end);
      const numbers = rows.map((_, i) => request.start + i + 1);
      post({ type: 'rows', id: request.id, start: request.start, rows, numbers, view: request.view });
      return;
    }
    const picked = Array.from(order.subarray(request.start, Math.min(request.end, order.length)));
    const rows = picked.map((i) => store.slice(i, i + 1)[0] ?? []);
    post({
      type: 'rows',
      id: request.id,
      start: request.start,
      rows,
      numbers: picked.map((i) => i + 1),
      view: request.view,
    });
    return;
  }
  if (request.type === 'view') {
    order = csvOrder(store.slice(0, store.rowCount), request.spec);
    post({ type: 'view', view: request.view, rows: order ? order.length : store.rowCount });
    return;
  }
  let sentHeader = false;
  let lastPost = 0;
  try {
    const summary = await streamCsv(request.file, store, {
      delimiter: request.delimiter,
      onProgress: (progress) => {
        if (!sentHeader && store.header) {
          sentHeader = true;
          post({ type: 'header', header: store.header });
          post({ type: 'progress', ...progress });
          lastPost = performance.now();
        } else if (performance.now() - lastPost > 100) {
          post({ type: 'progress', ...progress });
          lastPost = performance.now();
        }
      },
    });
    if (!sentHeader) post({ type: 'header', header: store.header ?? [] });
    post({ type: 'done', ...summary });
  } catch (error) {
    post({ type: 'error', message: (error as Error).message });
  }
};
