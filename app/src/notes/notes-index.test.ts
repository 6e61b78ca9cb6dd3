import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  createNote,
  deleteNote,
  firstLine,
  indexMap,
  listNotes,
  renameNote,
  searchNotes,
  touchNote,
  UNTITLED,
} from './notes-index.ts';

describe('the project notes index', () => {
  it('creates, renames, edits and deletes notes, last edited first', () => {
    const map = indexMap(new Y.Doc());
    createNote(map, 'a', 'Augmentation ideas', 'ada', 1000);
    createNote(map, 'b', '  ', 'bob', 2000);
    expect(listNotes(map).map((n) => [n.id, n.title])).toEqual([
      ['b', UNTITLED],
      ['a', 'Augmentation ideas'],
    ]);
    touchNote(map, 'a', '# Crops\nrandom crops help', 'bob', 3000);
    const a = listNotes(map)[0];
    expect(a).toMatchObject({
      id: 'a',
      updatedAt: 3000,
      authors: ['ada', 'bob'],
      excerpt: '# Crops\nrandom crops help',
    });
    renameNote(map, 'b', 'Dataset v2', 4000);
    expect(listNotes(map)[0]).toMatchObject({ id: 'b', title: 'Dataset v2' });
    deleteNote(map, 'a');
    expect(listNotes(map).map((n) => n.id)).toEqual(['b']);
  });

  it('merges two people creating notes at once, and skips entries of an unknown shape', () => {
    const one = new Y.Doc();
    const two = new Y.Doc();
    createNote(indexMap(one), 'x', 'From one', 'ada', 1);
    createNote(indexMap(two), 'y', 'From two', 'bob', 2);
    indexMap(two).set('bad', { title: 3 } as never);
    Y.applyUpdate(one, Y.encodeStateAsUpdate(two));
    Y.applyUpdate(two, Y.encodeStateAsUpdate(one));
    expect(listNotes(indexMap(one)).map((n) => n.id)).toEqual(['y', 'x']);
    expect(listNotes(indexMap(two))).toEqual(listNotes(indexMap(one)));
  });

  it('searches titles, text and authors for every word', () => {
    const map = indexMap(new Y.Doc());
    createNote(map, 'a', 'Learning rate sweep', 'ada', 1);
    createNote(map, 'b', 'Data', 'bob', 2);
    touchNote(map, 'b', 'The labels of batch 7 are WRONG', 'bob', 3);
    const all = listNotes(map);
    expect(searchNotes(all, 'wrong labels').map((n) => n.id)).toEqual(['b']);
    expect(searchNotes(all, 'RATE').map((n) => n.id)).toEqual(['a']);
    expect(searchNotes(all, 'ada').map((n) => n.id)).toEqual(['a']);
    expect(searchNotes(all, 'nothing here')).toEqual([]);
    expect(searchNotes(all, '  ')).toHaveLength(2);
  });

  it('takes the first non-empty line as a summary', () => {
    expect(firstLine('\n\n## Result\nmore')).toBe('Result');
    expect(firstLine('')).toBe('');
  });
});
