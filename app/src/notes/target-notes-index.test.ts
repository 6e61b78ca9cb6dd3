import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  comparisonsMap,
  listComparisons,
  readComparisonMeta,
  readRunNotes,
  runNotesMap,
  searchComparisons,
  touchComparison,
  touchRunNote,
  writeComparisonMeta,
} from './target-notes-index.ts';

describe('run and comparison notes in the notes index', () => {
  it("keeps each run note's text by run id, its authors, and writes nothing when unchanged", () => {
    const doc = new Y.Doc();
    const map = runNotesMap(doc);
    touchRunNote(map, 'r1', '# Baseline', 'ada', 1000);
    touchRunNote(map, 'r2', '   ', 'ada', 1000); // a blank note is no note
    touchRunNote(map, 'r1', '# Baseline', 'bob', 2000);
    expect([...readRunNotes(map)]).toEqual([['r1', '# Baseline']]);
    expect(map.get('r1')).toEqual({ excerpt: '# Baseline', updatedAt: 2000, authors: ['ada', 'bob'] });
    let updates = 0;
    doc.on('update', () => updates++);
    touchRunNote(map, 'r1', '# Baseline', 'ada', 3000);
    touchRunNote(map, 'r1', '# Baseline', null, 3000);
    expect(updates).toBe(0);
    // Emptied later, the run has no note again.
    touchRunNote(map, 'r1', '', 'ada', 4000);
    expect(readRunNotes(map).size).toBe(0);
  });

  it('lists comparisons with their runs, names and view; catching up keeps the view its writer chose', () => {
    const map = comparisonsMap(new Y.Doc());
    const meta = { runs: ['r1', 'r2'], names: ['baseline', 'wider'], url: '/o/r/experiments/compare?runs=r1,r2' };
    touchComparison(map, 'compare-r1.r2', meta, 'wider wins', 'ada', { now: 1000 });
    touchComparison(
      map,
      'compare-r1.r2',
      { ...meta, url: '/o/r/experiments/compare?runs=r2,r1&t=1' },
      'wider wins!',
      null,
      {
        now: 2000,
        keepView: true,
      },
    );
    const [entry] = listComparisons(map);
    expect(entry).toMatchObject({
      doc: 'compare-r1.r2',
      title: 'Comparison: baseline · wider',
      url: meta.url,
      excerpt: 'wider wins!',
      authors: ['ada'],
      createdAt: 1000,
      updatedAt: 2000,
    });
    expect(searchComparisons(listComparisons(map), 'WIDER r2').length).toBe(1);
    expect(searchComparisons(listComparisons(map), 'resnet').length).toBe(0);
  });

  it('records what a comparison note is about in its own document', () => {
    const doc = new Y.Doc();
    expect(readComparisonMeta(doc)).toBeNull();
    const meta = { runs: ['r1', 'r2'], names: ['a', 'b'], url: '/o/r/experiments/compare?runs=r1,r2' };
    writeComparisonMeta(doc, meta);
    let updates = 0;
    doc.on('update', () => updates++);
    writeComparisonMeta(doc, { ...meta });
    expect(updates).toBe(0);
    expect(readComparisonMeta(doc)).toEqual(meta);
  });
});
