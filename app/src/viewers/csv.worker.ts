/**
 * Parses one CSV/TSV file off the main thread and keeps its rows; the table viewer asks for the
 * window of rows it is about to draw. Progress is posted at most every 100 ms so a fast parse
 * does not flood the page with messages.
 */
import { CsvRowStore, streamCsv } from './csv-parse.ts';
import type { CsvRequest, CsvResponse } from './csv-protocol.ts';

const store = new CsvRowStore();
const post = (message: CsvResponse) => (self as unknown as Worker).postMessage(message);

self.onmessage = async (event: MessageEvent<CsvRequest>) => {
  const request = event.data;
  if (request.type === 'rows') {
    post({ type: 'rows', id: request.id, start: request.start, rows: store.slice(request.start, request.end) });
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
