/**
 * Computes diffs off the main thread: line diffs, notebook diffs, table diffs, rename pairing
 * and DVC folder (manifest) diffs, so a big file never stalls the page. Each request is answered once, by id; a file
 * that is not what its name says is answered with a failure, never a crash.
 */
import { detectRenames, diffDirManifests, diffNotebooks, diffTables, diffText } from '@cairn/core/diff';
import type { DiffRequest, DiffResponse, DiffResults } from './diff-protocol.ts';

const post = (message: DiffResponse) => (self as unknown as Worker).postMessage(message);

function compute(request: DiffRequest): DiffResults[DiffRequest['type']] {
  switch (request.type) {
    case 'text':
      return diffText(request.before, request.after, { ignoreWhitespace: request.ignoreWhitespace });
    case 'notebook':
      return diffNotebooks(request.before, request.after, { ignoreWhitespace: request.ignoreWhitespace });
    case 'table':
      return diffTables(request.before, request.after, { delimiter: request.delimiter, key: request.key });
    case 'renames':
      return detectRenames(request.deleted, request.added);
    case 'dir':
      return diffDirManifests(request.before, request.after);
  }
}

self.onmessage = (event: MessageEvent<{ id: number; request: DiffRequest }>) => {
  const { id, request } = event.data;
  try {
    post({ id, ok: true, result: compute(request) });
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    post({
      id,
      ok: false,
      error: { code: typeof e.code === 'string' ? e.code : 'diff_failed', message: String(e.message ?? error) },
    });
  }
};
