/**
 * Computes diffs off the main thread: line diffs, notebook diffs, table diffs, rename pairing
 * and DVC folder (manifest) diffs, so a big file never stalls the page. Each request is answered once, by id; a file
 * that is not what its name says is answered with a failure, never a crash. Table diffs stay
 * here as sessions the view reads a page at a time, so a million-row diff never crosses to the page.
 */
import {
  detectCopies,
  detectRenames,
  diffDirManifests,
  diffNotebooks,
  diffText,
  indexTableDiff,
  type TableDiffIndex,
} from '@cairn/core/diff';
import type { DiffRequest, DiffResponse, DiffResults } from './diff-protocol.ts';

const post = (message: DiffResponse) => (self as unknown as Worker).postMessage(message);

const sessions = new Map<number, TableDiffIndex>();
let nextSession = 1;

function openTable(id: number, request: Extract<DiffRequest, { type: 'table-open' }>): DiffResults['table-open'] {
  const index = indexTableDiff(new Uint8Array(request.before), new Uint8Array(request.after), {
    delimiter: request.delimiter,
    key: request.key,
    headRows: request.firstRows,
    onHead: (head) => post({ id, head }),
  });
  const session = nextSession++;
  sessions.set(session, index);
  const { columns, key, keyCandidates, summary, count } = index;
  return { session, columns, key, keyCandidates, summary, count, rows: index.rows(0, request.firstRows) };
}

function session(id: number) {
  const index = sessions.get(id);
  if (!index)
    throw Object.assign(new Error('This table diff is no longer open; reopen the file.'), { code: 'no_session' });
  return index;
}

function compute(id: number, request: DiffRequest): DiffResults[DiffRequest['type']] {
  switch (request.type) {
    case 'text':
      return diffText(request.before, request.after, { ignoreWhitespace: request.ignoreWhitespace });
    case 'notebook':
      return diffNotebooks(request.before, request.after, { ignoreWhitespace: request.ignoreWhitespace });
    case 'table-open':
      return openTable(id, request);
    case 'table-rows':
      return session(request.session).rows(request.from, request.to);
    case 'table-close':
      sessions.delete(request.session);
      return null;
    case 'renames':
      return detectRenames(request.deleted, request.added);
    case 'copies':
      return detectCopies(request.sources, request.added);
    case 'dir':
      return diffDirManifests(request.before, request.after);
  }
}

self.onmessage = (event: MessageEvent<{ id: number; request: DiffRequest }>) => {
  const { id, request } = event.data;
  try {
    post({ id, ok: true, result: compute(id, request) });
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    post({
      id,
      ok: false,
      error: { code: typeof e.code === 'string' ? e.code : 'diff_failed', message: String(e.message ?? error) },
    });
  }
};
