import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CsvRowStore, streamCsv } from './csv-parse.ts';

function csvOf(rows: number): string {
  const lines = ['id,name,score'];
  for (let i = 0; i < rows; i++) lines.push(`${i},"name ${i}, with comma",${(i * 0.5).toFixed(1)}`);
  return `${lines.join('\n')}\n`;
}

describe('streamCsv', () => {
  it('parses in many chunks, keeps the header apart and rows in order', async () => {
    const store = new CsvRowStore();
    const progress: number[] = [];
    const summary = await streamCsv(csvOf(5000), store, {
      delimiter: ',',
      chunkSize: 4096,
      onProgress: (p) => progress.push(p.rows),
    });
    expect(store.header).toEqual(['id', 'name', 'score']);
    expect(summary.rows).toBe(5000);
    expect(progress.length).toBeGreaterThan(10); // streamed, not parsed at once
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(store.slice(0, 2)).toEqual([
      ['0', 'name 0, with comma', '0.0'],
      ['1', 'name 1, with comma', '0.5'],
    ]);
    expect(store.slice(4998, 6000).map((r) => r[0])).toEqual(['4998', '4999']);
    expect(summary.errors).toEqual([]);
  });

  it('keeps quoted fields that span a chunk boundary whole', async () => {
    const text = `a,b\n"${'x'.repeat(100)}\n${'y'.repeat(100)}",2\n3,4\n`;
    const store = new CsvRowStore();
    await streamCsv(text, store, { delimiter: ',', chunkSize: 64 });
    expect(store.slice(0, 5)).toEqual([
      [`${'x'.repeat(100)}\n${'y'.repeat(100)}`, '2'],
      ['3', '4'],
    ]);
  });

  it('parses TSV and reports ragged rows without failing', async () => {
    const store = new CsvRowStore();
    const summary = await streamCsv('a\tb\n1\t2\n3\n', store, { delimiter: '\t' });
    expect(store.slice(0, 10)).toEqual([['1', '2'], ['3']]);
    expect(summary.errorCount).toBe(1);
    expect(summary.errors[0]?.row).toBe(2);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const store = new CsvRowStore();
    const summary = await streamCsv(
      csvOf(20000),
      store,
      {
        delimiter: ',',
        chunkSize: 4096,
        onProgress: () => controller.abort(),
      },
      controller.signal,
    );
    expect(summary.rows).toBeLessThan(20000);
  });

  it('gives the same rows as a one-shot parse, whatever the chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', ' ', 'é') }), { minLength: 1, maxLength: 4 }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.integer({ min: 16, max: 200 }),
        async (rows, chunkSize) => {
          const text = Papa.unparse(rows, { newline: '\n' });
          const expected = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true }).data;
          const store = new CsvRowStore();
          await streamCsv(text, store, { delimiter: ',', chunkSize });
          expect([store.header, ...store.slice(0, Number.MAX_SAFE_INTEGER)].filter(Boolean)).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
