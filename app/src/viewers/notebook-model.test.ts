import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotebookError, notebookView, stripAnsi } from './notebook-model.ts';

const dir = path.resolve(import.meta.dirname, '../../../test/fixtures/notebooks');
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

describe('notebookView', () => {
  it('reads every fixture notebook', () => {
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb'))) {
      const view = notebookView(read(name), name);
      expect(view.nbformat).toMatch(/^4\.\d$/);
    }
  });

  it('turns error outputs into plain-text tracebacks', () => {
    const view = notebookView(read('error--1.ipynb'), 'error--1.ipynb');
    const errors = view.cells.flatMap((c) => (c.kind === 'code' ? c.outputs : [])).filter((o) => o.kind === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.kind === 'error' && e.traceback.includes('\u001b')).toBe(false);
  });

  it('inlines markdown attachments as data URLs', () => {
    const view = notebookView(read('attachment.ipynb'), 'attachment.ipynb');
    const md = view.cells.find((c) => c.kind === 'markdown');
    expect(md?.kind === 'markdown' && md.markdown).toMatch(/data:image\/png;base64,/);
  });

  it('picks one representation per output, by Jupyter priority', () => {
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { language_info: { name: 'python' } },
      cells: [
        { cell_type: 'markdown', source: ['# T', 'itle\n'], metadata: {} },
        {
          cell_type: 'code',
          execution_count: 3,
          source: 'df',
          metadata: {},
          outputs: [
            { output_type: 'stream', name: 'stderr', text: ['\u001b[31mwarn\u001b[0m\n'] },
            {
              output_type: 'execute_result',
              execution_count: 3,
              data: { 'text/plain': 'x', 'text/html': '<table/>' },
              metadata: {},
            },
            {
              output_type: 'display_data',
              data: { 'image/png': 'iVBOR\nw0=', 'text/plain': '<Figure>' },
              metadata: {},
            },
            { output_type: 'display_data', data: { 'text/plain': ['a', 'b'] }, metadata: {} },
            { output_type: 'unknown' },
          ],
        },
        { cell_type: 'raw', source: 'raw text', metadata: {} },
      ],
    };
    expect(notebookView(JSON.stringify(nb), 'n.ipynb')).toEqual({
      language: 'python',
      nbformat: '4.5',
      cells: [
        { kind: 'markdown', markdown: '# Title\n' },
        {
          kind: 'code',
          source: 'df',
          executionCount: 3,
          outputs: [
            { kind: 'stream', name: 'stderr', text: 'warn\n' },
            { kind: 'html', html: '<table/>' },
            { kind: 'image', mime: 'image/png', src: 'data:image/png;base64,iVBORw0=' },
            { kind: 'text', text: 'ab', executionCount: null },
          ],
        },
        { kind: 'raw', source: 'raw text' },
      ],
    });
  });

  it('refuses what is not a notebook with a typed error', () => {
    expect(() => notebookView('{', 'a.ipynb')).toThrow(NotebookError);
    expect(() => notebookView('{"nbformat": 3, "worksheets": []}', 'a.ipynb')).toThrow(/nbformat 3/);
    expect(() => notebookView('null', 'a.ipynb')).toThrow(NotebookError);
  });

  it('never crashes on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        try {
          notebookView(json, 'f.ipynb');
        } catch (error) {
          if (!(error instanceof NotebookError)) throw error;
        }
      }),
    );
    expect(stripAnsi('\u001b[1;31mE\u001b[0m')).toBe('E');
  });
});
